import { createHash } from 'node:crypto'
import { hostname, networkInterfaces } from 'node:os'
import { readFileIfExists } from '../lib/atomic-file.js'

/** What the client tells the server about the machine it runs on. */
export interface MachineFingerprint {
  /** SHA-256 (hex, 32 chars) over the machine's stable identifiers; never the raw values. */
  machineId: string
  hostname: string
  /** Container id from the cgroup, when running in a container (hashed); else false. */
  container: string | false
}

/**
 * A stable, container-aware machine fingerprint: machine-id (systemd/dbus), the container id
 * from `/proc/self/cgroup` or `mountinfo`, the hostname, and (only without a machine-id) the
 * non-internal MAC addresses —
 * hashed, so nothing identifying leaves the machine in clear. Copying a storage directory to
 * another machine changes it; a restart, an app upgrade or a new IP address does not.
 *
 * @example
 * ```ts
 * const fp = await machineFingerprint()
 * fp.machineId // 'a3f1…' (32 hex chars)
 * ```
 */
export async function machineFingerprint(): Promise<MachineFingerprint> {
  const [machineId, cgroup, mountinfo] = await Promise.all([
    firstOf(['/etc/machine-id', '/var/lib/dbus/machine-id']),
    firstOf(['/proc/self/cgroup']),
    firstOf(['/proc/self/mountinfo']),
  ])
  const containerId = containerIdFrom(cgroup) ?? containerIdFrom(mountinfo)
  const macs = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i !== undefined && !i.internal && i.mac !== '00:00:00:00:00:00')
    .map((i) => i!.mac)
  const host = hostname()
  const parts = {
    machineId: machineId?.trim() ?? '',
    container: containerId ?? '',
    // MACs come and go with VPNs and bridges: used only where there is no machine-id.
    macs: machineId ? [] : [...new Set(macs)].sort(),
    // Tells apart containers and VM clones that share an image's machine-id.
    host,
  }
  return {
    machineId: hash(JSON.stringify(parts)),
    hostname: host.slice(0, 255),
    container: containerId === undefined ? false : hash(containerId),
  }
}

async function firstOf(paths: string[]): Promise<string | undefined> {
  for (const p of paths) {
    const text = await readFileIfExists(p, 256 * 1024).catch(() => undefined)
    if (text !== undefined && text.trim() !== '') return text
  }
  return undefined
}

/** A 64-hex container id in a cgroup or mountinfo line (docker, containerd, cri-o, podman). */
function containerIdFrom(text: string | undefined): string | undefined {
  return text?.match(
    /(?:docker|containerd|crio|libpod|cri-containerd|containers)[-/:]([0-9a-f]{64})/,
  )?.[1]
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32)
}
