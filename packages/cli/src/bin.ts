import { createContext } from './context.js'
import { run } from './run.js'

// The launcher: the only place that touches process.exit. Exit once stdout has drained, so
// piped output (`tollgate license list --json | jq`) is never cut short.
const code = await run(process.argv.slice(2), createContext())
process.stdout.write('', () => process.exit(code))
