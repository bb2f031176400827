/**
 * The CLI's version, printed by `tollgate --version`.
 *
 * @example
 * ```ts
 * console.log(VERSION) // '0.1.0'
 * ```
 */
export const VERSION = '0.1.0'
