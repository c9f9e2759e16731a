# syntax=docker/dockerfile:1
# Build stage: install with dev dependencies, bundle the operator into one file (dist/main.js).
FROM node:24.21.0-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/bundle.mjs scripts/
COPY src/ src/
RUN node scripts/bundle.mjs

# Runtime stage: Node 24 and the bundle only. No npm, no compilers, no node_modules (the bundle carries its deps).
FROM gcr.io/distroless/nodejs24-debian12:nonroot
WORKDIR /app
COPY --from=build /src/dist/ /app/
# distroless's nonroot user; numeric so runAsNonRoot can verify it.
USER 65532:65532
ENV NODE_ENV=production
ENTRYPOINT ["/nodejs/bin/node", "--enable-source-maps", "/app/main.js"]
