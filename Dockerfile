# syntax=docker/dockerfile:1
# Build stage: full install (native addons compile here) and a type check of the sources.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc --noEmit -p . && npm prune --omit=dev

# Runtime stage: production dependencies only, unprivileged user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production DATA_DIR=/app/data PORT=3000
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/package.json /app/data-sources.yaml ./
COPY --from=build /app/src ./src
COPY --from=build /app/pipelines ./pipelines
COPY --from=build /app/drizzle ./drizzle
COPY --from=build /app/samples ./samples
COPY --from=build /app/bin ./bin
RUN mkdir -p /app/data && chown -R node:node /app/data
USER node
EXPOSE 3000
VOLUME ["/app/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "bin/dotation.mjs", "serve"]
