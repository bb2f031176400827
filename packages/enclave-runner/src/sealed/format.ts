/** Magic prefix of a sealed analysis bundle (also its AES-GCM additional data). */
export const SEALED_MAGIC: Buffer = Buffer.from('TGSEAL1\0', 'latin1')
