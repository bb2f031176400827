#!/usr/bin/env bash
# The newcomer's first hour, scripted (CI runs it from .ci/run): a fresh clone with only Node and
# npm — no global pnpm, no DATABASE_URL, no ../shared beside it — then everything the README and
# the docs promise, each step timed:
#   install (no warnings) · the README's test line · the README's start line + /health + ./.tollgate
#   · the CLI from the root issues and verifies a license · production build + start
#   · the CLI tarball installed into a scratch prefix · packed manifests (no workspace:*, LICENSE).
# Usage: bash scripts/newcomer.sh [--skip-tests]   (clones the committed HEAD of this checkout)
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
SKIP_TESTS=0
[[ "${1:-}" == "--skip-tests" ]] && SKIP_TESTS=1

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tollgate-newcomer.XXXXXX")"
REPO="$WORK/tollgate"
SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 -- "-$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
cleanup() {
  stop_server
  [[ "${KEEP_NEWCOMER_DIR:-}" == "1" ]] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

# A newcomer has neither: make sure nothing here leans on them.
unset DATABASE_URL TEST_DATABASE_URL TEST_REDIS_URL REDIS_URL TOLLGATE_SHARED_DIR \
  TOLLGATE_REQUIRE_SHARED TOLLGATE_URL TOLLGATE_API_KEY TOLLGATE_PROFILE MASTER_KEY DATA_DIR PORT
export XDG_CONFIG_HOME="$WORK/config" npm_config_cache="${npm_config_cache:-$HOME/.npm}"
# "No global pnpm": a `pnpm` on PATH that fails. `npx -y pnpm@10` puts the real one first.
mkdir -p "$WORK/no-pnpm"
printf '#!/bin/sh\necho "newcomer: a global pnpm was used: $*" >&2\nexit 127\n' >"$WORK/no-pnpm/pnpm"
chmod +x "$WORK/no-pnpm/pnpm"
export PATH="$WORK/no-pnpm:$PATH"
PNPM="npx -y pnpm@10"

T0=$SECONDS
TIMINGS=()
step_start=0
step() {
  step_start=$SECONDS
  CURRENT="$*"
  printf '\n---- newcomer: %s ----\n' "$*"
}
done_step() { TIMINGS+=("$(printf '%5ss  %s' $((SECONDS - step_start)) "$CURRENT")"); }
fail() {
  echo "newcomer FAILED at: $CURRENT: $*" >&2
  exit 1
}
readme_line() { grep -m1 -E "^npx -y pnpm@10 install && npx -y pnpm@10 $1" "$REPO/README.md" | sed 's/ *#.*$//'; }

step "fresh clone (no ../shared beside it)"
git clone -q "$SRC" "$REPO"
[[ ! -e "$WORK/shared" ]] || fail "../shared exists"
cd "$REPO"
done_step

step "install prints no warnings"
$PNPM install 2>&1 | tee "$WORK/install.log"
if grep -E 'WARN|cyclic' "$WORK/install.log"; then fail "pnpm install printed warnings"; fi
done_step

if [[ $SKIP_TESTS == 0 ]]; then
  step "the README's test line"
  line="$(readme_line test)"
  [[ -n "$line" ]] || fail "no test line in README.md"
  echo "+ $line"
  bash -c "$line" 2>&1 | tee "$WORK/test.log"
  grep -q 'wycheproof-ed25519.json: skipped' "$WORK/test.log" ||
    fail "the Wycheproof test did not print why it skipped"
  done_step
  # Printed, not enforced: CI shares its machine; the goal is for an idle 2-core one.
  TIMINGS+=("$(printf '        (goal: under 300 s on an idle 2-core machine; load now %s)' \
    "$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')")")
fi

wait_health() { # url, pid, log
  for _ in $(seq 1 600); do
    curl -fsS "$1/health" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { cat "$3"; fail "the server exited"; }
    sleep 0.5
  done
  cat "$3"
  fail "no /health after 300 s"
}
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

step "the README's start line, /health, data under ./.tollgate"
line="$(readme_line start)"
PORT="$(free_port)"
echo "+ PORT=$PORT $line"
PORT="$PORT" setsid bash -c "$line" >"$WORK/start.log" 2>&1 &
SERVER_PID=$!
BASE="http://127.0.0.1:$PORT"
wait_health "$BASE" "$SERVER_PID" "$WORK/start.log"
curl -fsS "$BASE/health"
echo
[[ -d "$REPO/.tollgate" ]] || fail "the data is not under ./.tollgate"
[[ ! -e "$REPO/packages/license-server/.tollgate" ]] || fail "data went to packages/license-server/.tollgate"
# stdout is not a terminal here: the owner key goes to a 0600 file the first screen names.
grep -q 'owner-key.txt' "$WORK/start.log" || fail "the first screen does not say where the owner key is"
grep -q 'tg_admin_' "$WORK/start.log" && fail "the owner key was printed into a non-terminal stdout"
[[ "$(stat -c %a "$REPO/.tollgate/owner-key.txt")" == 600 ]] || fail "owner-key.txt is not mode 0600"
KEY="$(grep -oE 'tg_admin_[A-Za-z0-9]+' "$REPO/.tollgate/owner-key.txt" | head -1)"
[[ -n "$KEY" ]] || fail "no admin key in .tollgate/owner-key.txt"
grep -q 'license server ready' "$WORK/start.log" || fail "no ready line"
done_step

step "the CLI from the root issues and verifies a license"
export TOLLGATE_URL="$BASE" TOLLGATE_API_KEY="$KEY"
tg() { $PNPM tollgate "$@"; }
CUS="$(tg customer create --name 'Newcomer Ltd' --email it@newcomer.example --json | node -pe 'JSON.parse(require("fs").readFileSync(0)).id')"
PLN="$(tg plan create --name Starter --product newcomer-app --tier pro -e sso --limit users=5 --duration-days 30 --json | node -pe 'JSON.parse(require("fs").readFileSync(0)).id')"
tg license issue --customer "$CUS" --plan "$PLN" --json >"$WORK/issued.json"
node -pe 'JSON.parse(require("fs").readFileSync(process.argv[1])).token' "$WORK/issued.json" >"$WORK/license.key"
curl -fsS "$BASE/.well-known/jwks.json" >"$WORK/jwks.json"
tg license verify "$WORK/license.key" --jwks "$WORK/jwks.json"
tg license list
done_step
stop_server

step "production build, then node packages/license-server/dist/bin.js"
$PNPM build >"$WORK/build.log" 2>&1 || { tail -50 "$WORK/build.log"; fail "build failed"; }
PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
DATA_DIR="$WORK/prod-data" PORT="$PORT" setsid node packages/license-server/dist/bin.js >"$WORK/prod.log" 2>&1 &
SERVER_PID=$!
wait_health "$BASE" "$SERVER_PID" "$WORK/prod.log"
curl -fsS "$BASE/health"
echo
grep -q '"msg":"tollgate license server ready"' "$WORK/prod.log" || fail "not JSON logs off a terminal"
stop_server
done_step

step "the CLI as an installable artifact, into a scratch prefix"
TGZ="$($PNPM -s pack:cli "$WORK/artifacts" | tail -1)"
npm i -g --prefix "$WORK/prefix" "$TGZ" --no-audit --no-fund --loglevel=error
"$WORK/prefix/bin/tollgate" --version
(cd "$WORK" && "$WORK/prefix/bin/tollgate" license verify license.key --jwks jwks.json)
done_step

step "packed manifests: no workspace:*, a LICENSE in each"
for pkg in license-client license-server cli enclave-runner; do
  (cd "packages/$pkg" && $PNPM pack --pack-destination "$WORK/packs" >/dev/null)
done
for tgz in "$WORK"/packs/*.tgz; do
  # (whole listings first: grep -q closing a pipe early would fail the pipeline under pipefail)
  manifest="$(tar -xOzf "$tgz" package/package.json)"
  listing="$(tar -tzf "$tgz")"
  if grep -n 'workspace:' <<<"$manifest"; then fail "$tgz has workspace: ranges"; fi
  grep -qx 'package/LICENSE' <<<"$listing" || fail "$tgz has no LICENSE"
  echo "ok $(basename "$tgz")"
done
done_step

printf '\n==== newcomer: all green in %ss ====\n' $((SECONDS - T0))
printf '%s\n' "${TIMINGS[@]}"
