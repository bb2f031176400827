#!/bin/sh
# Entry point of the Tollgate server image (Dockerfile), also the systemd unit's ExecStart.
# - Docker/Kubernetes secrets: MASTER_KEY_FILE=/run/secrets/… sets MASTER_KEY from that file (also
#   DATABASE_URL, BOOTSTRAP_ADMIN_KEY, REDIS_URL, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET,
#   SMTP_PASSWORD); setting both VAR and VAR_FILE is an error.
# - Refuses early, with one clear line, what the server would refuse later: Postgres without
#   MASTER_KEY.
# - execs the server as PID 1's replacement, so SIGTERM from `docker stop` reaches it and it
#   drains (heartbeats flushed) before exiting.
# Arguments other than a leading `-` flag run that command instead (`docker run … sh`).
set -eu

# Only these may come from files: SIGNING_KEY_FILE, for one, is already a path the server reads.
for var_file in MASTER_KEY DATABASE_URL BOOTSTRAP_ADMIN_KEY REDIS_URL STRIPE_SECRET_KEY \
  STRIPE_WEBHOOK_SECRET SMTP_PASSWORD; do
  file=$(printenv "${var_file}_FILE" || true)
  [ -n "$file" ] || continue
  if [ -n "$(printenv "$var_file" || true)" ]; then
    echo "tollgate: both $var_file and ${var_file}_FILE are set; use one" >&2
    exit 78
  fi
  if [ ! -r "$file" ]; then
    echo "tollgate: ${var_file}_FILE=$file is not readable" >&2
    exit 78
  fi
  # $(cat) drops trailing newlines (echo "..." > secret): they are not part of a secret.
  value=$(cat "$file")
  export "$var_file=$value"
  unset "${var_file}_FILE"
done

if [ -n "${DATABASE_URL:-}" ] && [ -z "${MASTER_KEY:-}" ]; then
  echo "tollgate: DATABASE_URL is set but MASTER_KEY is not (set MASTER_KEY or MASTER_KEY_FILE: the key that encrypts signing keys in Postgres)" >&2
  exit 78
fi

if [ "$#" -gt 0 ] && [ "${1#-}" = "$1" ]; then
  exec "$@"
fi
exec node "${TOLLGATE_SERVER_BIN:-$(dirname "$0")/tollgate-server.js}" "$@"
