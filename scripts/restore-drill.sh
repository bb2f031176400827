#!/usr/bin/env bash
# The restore drill of docs/operations.md, run for real (CI runs it from .ci/run):
#   1. a server with data: a customer, a plan, a license issued (on PGlite, or on Postgres when
#      DRILL_DATABASE_URL / TEST_DATABASE_URL is set and pg_dump is installed);
#   2. the backup exactly as the doc says (server stopped, tar of DATA_DIR / pg_dump -Fc);
#   3. the restore into a scratch place, a second server started on it, and proof that it runs:
#      /health, the same admin key lists the license, the license validates, a new one issues.
# Usage: bash scripts/restore-drill.sh      (uses packages/license-server/dist if built)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tollgate-drill.XXXXXX")"
PID=""
stop() {
  [[ -n "$PID" ]] || return 0
  kill -TERM -- "-$PID" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 -- "-$PID" 2>/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$PID" 2>/dev/null || true
  PID=""
}
DROP_DB=""
cleanup() {
  stop
  for db in $DROP_DB; do psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "restore drill FAILED: $*" >&2; exit 1; }

if [[ -f packages/license-server/dist/bin.js && -f packages/license-client/dist/index.js ]]; then
  SERVER=(node packages/license-server/dist/bin.js)
else
  SERVER=(node --conditions=tollgate-source --import tsx packages/license-server/src/bin.ts)
fi
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
start() { # log, env...
  local log="$1"; shift
  PORT="$(free_port)"
  env -u DATABASE_URL -u MASTER_KEY LOG_FORMAT=json "$@" PORT="$PORT" setsid "${SERVER[@]}" >"$log" 2>&1 &
  PID=$!
  BASE="http://127.0.0.1:$PORT"
  for _ in $(seq 1 600); do
    curl -fsS "$BASE/health" >/dev/null 2>&1 && return 0
    kill -0 "$PID" 2>/dev/null || { cat "$log"; fail "server exited"; }
    sleep 0.5
  done
  cat "$log"; fail "no /health"
}
api() { # method path [json]
  curl -fsS -X "$1" "$BASE$2" -H "authorization: Bearer $KEY" -H 'content-type: application/json' ${3:+-d "$3"}
}
json() { node -pe "JSON.parse(require('fs').readFileSync(0,'utf8'))$1"; }
KEY="tg_admin_$(node -e "console.log(require('crypto').randomBytes(24).toString('hex'))")"

drill() { # kind
  local kind="$1"
  echo "---- restore drill ($kind) ----"
  local env_a=() env_b=()
  if [[ $kind == pglite ]]; then
    env_a=(DATA_DIR="$WORK/live/tollgate")
  else
    local mk; mk="$(node -e "console.log(require('crypto').randomBytes(32).toString('hex'))")"
    env_a=(DATABASE_URL="$PG_BASE/$LIVE_DB" MASTER_KEY="$mk")
    env_b=(DATABASE_URL="$PG_BASE/$DRILL_DB" MASTER_KEY="$mk")
  fi
  start "$WORK/$kind-live.log" "${env_a[@]}" BOOTSTRAP_ADMIN_KEY="$KEY"
  local cus pln issued lic token
  cus="$(api POST /v1/admin/customers '{"name":"Drill Co","email":"ops@drill.example"}' | json .id)"
  pln="$(api POST /v1/admin/plans '{"name":"P","product":"app","tier":"pro","entitlements":["sso"],"limits":{"users":5},"durationDays":365,"policy":{"expiryGraceDays":14,"offlineGraceDays":30,"heartbeatIntervalS":3600,"maxDeployments":1}}' | json .id)"
  issued="$(api POST /v1/admin/licenses "{\"customerId\":\"$cus\",\"planId\":\"$pln\"}")"
  lic="$(json .license.id <<<"$issued")"
  token="$(json .token <<<"$issued")"
  stop

  # The backup, as docs/operations.md says (server stopped).
  if [[ $kind == pglite ]]; then
    tar -C "$WORK/live" -czf "$WORK/tollgate-backup.tgz" tollgate
    mkdir -p "$WORK/restored" && tar -C "$WORK/restored" -xzf "$WORK/tollgate-backup.tgz"
    env_b=(DATA_DIR="$WORK/restored/tollgate")
  else
    pg_dump -Fc -d "$PG_BASE/$LIVE_DB" -f "$WORK/tollgate.dump"
    psql -q "$PG_ADMIN_URL" -c "CREATE DATABASE $DRILL_DB" >/dev/null
    pg_restore --no-owner -d "$PG_BASE/$DRILL_DB" "$WORK/tollgate.dump"
  fi

  # The restored copy runs: health, the same key sees the license, it validates, issuing works.
  start "$WORK/$kind-restored.log" "${env_b[@]}"
  grep -q 'tg_admin_' "$WORK/$kind-restored.log" && fail "the restored server bootstrapped a new tenant"
  [[ "$(api GET "/v1/admin/licenses/$lic" | json .status)" == active ]] || fail "license missing after restore"
  local valid
  valid="$(curl -fsS "$BASE/v1/licenses/validate" -H 'content-type: application/json' -d "{\"key\":\"$token\"}" | json .valid)"
  [[ "$valid" == true ]] || fail "the license does not validate on the restored server"
  api POST /v1/admin/licenses "{\"customerId\":\"$cus\",\"planId\":\"$pln\"}" >/dev/null || fail "cannot issue after restore"
  stop
  echo "ok: $kind backup restored into a running server (license $lic valid)"
}

drill pglite
PG_URL="${DRILL_DATABASE_URL:-${TEST_DATABASE_URL:-}}"
if [[ -n "$PG_URL" ]] && command -v pg_dump >/dev/null && command -v pg_restore >/dev/null; then
  PG_ADMIN_URL="$PG_URL"
  PG_BASE="${PG_URL%/*}"
  suffix="$(node -e "console.log(require('crypto').randomBytes(4).toString('hex'))")"
  LIVE_DB="tollgate_drill_live_$suffix"
  DRILL_DB="tollgate_drill_restored_$suffix"
  psql -q "$PG_ADMIN_URL" -c "CREATE DATABASE $LIVE_DB" >/dev/null
  DROP_DB="$LIVE_DB $DRILL_DB"
  drill postgres
else
  echo "restore drill (postgres): skipped (set TEST_DATABASE_URL and install pg_dump to run it)"
fi
