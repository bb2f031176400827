# syntax=docker/dockerfile:1
# Tollgate license server image. Build:  docker build -t tollgate-server .
# Run with Postgres + Redis:             docker compose -f deploy/compose.yaml up -d
# (CI cannot run a container engine: it tests the entrypoint, the compose config and the exact
# `pnpm deploy` output this image copies; see docs/operations.md.)

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN npx -y pnpm@10 install --frozen-lockfile \
 && npx -y pnpm@10 build \
 && npx -y pnpm@10 --filter @tollgate/license-server deploy --prod --legacy /app

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/var/lib/tollgate \
    LOG_FORMAT=json \
    NODE_OPTIONS=--max-semi-space-size=64
COPY --from=build /app /app
RUN mkdir -p /var/lib/tollgate && chown node:node /var/lib/tollgate && chmod 0700 /var/lib/tollgate
USER node
WORKDIR /app
VOLUME ["/var/lib/tollgate"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/app/bin/entrypoint.sh"]
