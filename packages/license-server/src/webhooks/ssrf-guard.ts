import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { BlockList, isIP } from 'node:net'

const V4_BLOCKED: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
]
const V6_BLOCKED: readonly [string, number][] = [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64 (embeds IPv4)
  ['100::', 64], // discard
  ['2001:db8::', 32],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
]

const blocked = new BlockList()
for (const [net, prefix] of V4_BLOCKED) blocked.addSubnet(net, prefix, 'ipv4')
for (const [net, prefix] of V6_BLOCKED) blocked.addSubnet(net, prefix, 'ipv6')

/**
 * True when `ip` is a public unicast address: not loopback, private, link-local, unique-local,
 * multicast, documentation or reserved space, including IPv4 written as IPv6 (`::ffff:a.b.c.d`).
 *
 * @example
 * ```ts
 * isPublicAddress('127.0.0.1') // false
 * isPublicAddress('93.184.216.34') // true
 * ```
 */
export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip)
  if (family === 4) return !blocked.check(ip, 'ipv4')
  if (family !== 6) return false
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  if (mapped) return isPublicAddress(mapped[1]!)
  // ::ffff:7f00:1 (hex form of a mapped IPv4 address) and IPv4-compatible ::a.b.c.d.
  const lower = ip.toLowerCase()
  if (lower.startsWith('::ffff:') || /^::\d/.test(lower)) return false
  return !blocked.check(ip, 'ipv6')
}

/** A destination the guard refuses. */
export class BlockedDestinationError extends Error {
  readonly code = 'WEBHOOK_DESTINATION_BLOCKED' as const
  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, a private or reserved address`)
    this.name = 'BlockedDestinationError'
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void

/**
 * A `lookup` for `http.request` that resolves the host and refuses it when any address is not
 * public, so the check happens after DNS resolution and the connection goes to the very
 * address checked (no second lookup a rebinding DNS server could answer differently).
 *
 * @example
 * ```ts
 * http.request(url, { lookup: guardedLookup })
 * ```
 */
export function guardedLookup(
  hostname: string,
  options: { all?: boolean; family?: number | string },
  callback: LookupCallback,
): void {
  dnsLookup(hostname, { all: true }, (err, addresses) => {
    if (err) {
      callback(err, [])
      return
    }
    const bad = addresses.find((a) => !isPublicAddress(a.address))
    if (bad || addresses.length === 0) {
      const e = new BlockedDestinationError(hostname, bad?.address ?? 'nothing')
      callback(e, [])
      return
    }
    if (options.all) callback(null, addresses)
    else callback(null, addresses[0]!.address, addresses[0]!.family)
  })
}
