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
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
# The shipped knowledge is baked in; mount a folder over /app/knowledge to serve your own.
COPY knowledge ./knowledge
USER node
# The same command `npm start` runs, without npm and without the build step.
CMD ["node", "bin/apo-bot.js", "start"]
