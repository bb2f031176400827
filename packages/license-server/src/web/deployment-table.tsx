import type { DeploymentRow } from '../deployments/deployment.table.js'
import type { Html } from './html.js'
import { h } from './jsx.js'
import { TableHead } from './table-head.js'

/** Props of {@link DeploymentTable}. */
export interface DeploymentTableProps {
  deployments: readonly DeploymentRow[]
  /**
   * Staff see the install id, "last heartbeat" and the last address; a customer sees the
   * machine's hostname first and no addresses.
   */
  audience: 'staff' | 'customer'
  /** How dates read on this surface. */
  time: (d: Date) => string | undefined
  /** The last column's cell of a row (e.g. a "free this seat" button), or null. */
  action: (d: DeploymentRow) => Html | null
}

/**
 * A license's machines (deployments): who they are, status, last contact, version, and one
 * action per row. Each row carries `data-deployment` = the client's deployment id.
 *
 * @example
 * ```tsx
 * <DeploymentTable deployments={rows} audience="customer" time={when} action={() => null} />
 * ```
 */
export function DeploymentTable(p: DeploymentTableProps): Html {
  const staff = p.audience === 'staff'
  return (
    <div class="table-wrap">
      <table>
        <TableHead
          columns={
            staff
              ? [
                  'Install',
                  'Status',
                  'Last heartbeat',
                  'Version',
                  'Address',
                  <span class="muted">Seat</span>,
                ]
              : ['Machine', 'Status', 'Last seen', 'Version', 'Actions']
          }
        />
        <tbody>
          {p.deployments.map((d) => (
            <tr data-deployment={d.install_id}>
              {staff ? (
                <td class="mono">{d.install_id}</td>
              ) : (
                <td>
                  {d.fingerprint.hostname ?? d.install_id}
                  <br />
                  <span class="muted mono">{d.install_id.slice(0, 40)}</span>
                </td>
              )}
              <td>{d.status}</td>
              <td>{p.time(d.last_seen_at)}</td>
              <td>{d.app_version ?? '—'}</td>
              {staff ? <td>{d.last_address ?? '—'}</td> : null}
              <td>{p.action(d)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
