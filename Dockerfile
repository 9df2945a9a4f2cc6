# syntax=docker/dockerfile:1
# threadpaint: build with the dev dependencies, run with production ones only.
# test/deploy/container.test.ts replays this file without Docker (its RUN and COPY lines, ENV, HEALTHCHECK and CMD)
# from a fresh clone on every test run: a file the image lacks or a dev-only import fails the tests.
FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.app.json ./
COPY src ./src
COPY commands ./commands
RUN npx tsc -b tsconfig.app.json && npm prune --omit=dev

FROM node:22-bookworm-slim
# tini is PID 1: it forwards SIGTERM to node and reaps zombies, where `docker run --init` is not available (Kubernetes,
# some compose runners).
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
# glibc keeps one malloc arena per thread; libvips (sharp) threads then hold on to freed image buffers.
# HOST=0.0.0.0 is safe only because the playground is then off (beside Discord or Slack) or needs PLAYGROUND_TOKEN:
# start-up refuses to serve it off loopback without one.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./
# The playground's page files are served as they are (no build step), read from the source tree's folder.
COPY --from=build /app/src/platforms/local/web ./src/platforms/local/web
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
# Running jobs get a few seconds after SIGTERM; the rest are resumed on the next start (stop_grace_period >= 10 s).
CMD ["node", "dist/src/bin/threadpaint.js", "start"]
