# Palimpsest API. The TypeScript sources run through tsx (a runtime dependency), as `npm start`
# does: there is no build step, so the image holds the sources and production node_modules.

FROM node:20-slim AS deps
WORKDIR /app
# better-sqlite3 downloads a prebuilt binary when one exists for the platform; the toolchain is
# the fallback for when none does. It stays in this stage only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# The web app's build (vite, a dev dependency): only its output, dist/web, goes into the image.
FROM node:20-slim AS web
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY vite.config.ts ./
COPY src/web ./src/web
COPY src/client ./src/client
RUN node node_modules/vite/bin/vite.js build --logLevel warn

FROM node:20-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    PALIMPSEST_DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY projections ./projections
COPY scripts ./scripts
COPY --from=web /app/dist/web ./dist/web
# The data directory holds the log signing key and the generated admin token (both mode 0600), and
# the SQLite file when PALIMPSEST_STORE=sqlite; it belongs to the unprivileged `node` user.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/palimpsest.js", "serve"]
