# syntax=docker/dockerfile:1
# apo-bot image: build the TypeScript with dev dependencies, run with production ones only.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts are skipped here: "prepare" builds, and the sources are not copied yet.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
RUN npm run build

FROM node:22-bookworm-slim AS run
ENV NODE_ENV=production \
    DATA_DIR=/app/data \
    HEALTH_PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
# The shipped knowledge is baked in; mount a folder over /app/knowledge to serve your own.
COPY knowledge ./knowledge
# The question log (DATA_DIR) lives on a volume, writable by the unprivileged user.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 8080 3000
# /healthz answers 200 while knowledge is loaded (HEALTH_PORT, in every mode); Node has fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HEALTH_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same command `npm start` runs (and tests/start.test.ts runs as a process), without npm and
# without the build step. Node handles SIGTERM itself: docker stop drains questions and exits 0.
CMD ["node", "bin/apo-bot.js", "start"]
