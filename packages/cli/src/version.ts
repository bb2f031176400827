/** The CLI's version, printed by `tollgate --version`. */
export const VERSION = '0.1.0'
