# syntax=docker/dockerfile:1
# rewardkit in a container: `rewardkit serve` by default (any other command with `docker run IMAGE COMMAND …`).
# Node 20 on Debian bookworm (slim), a non-root user, production dependencies only, the built-in judge templates and
# the spec schema inside, and a HEALTHCHECK on /healthz run by Node itself (the slim image has no curl).
# The spec is not inside: mount its folder at /spec (the default CMD reads /spec/spec.yaml). See the README,
# "Running it in containers". The local judge (node-llama-cpp, an optional peer dependency) is not installed: name
# a judge server or API with --judge, or install node-llama-cpp in an image built FROM this one.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: compile TypeScript, then keep only the production dependencies ---------------------------------------
FROM ${NODE_IMAGE} AS build
# better-sqlite3 (the judge cache) compiles from source when no prebuilt binary can be downloaded
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY package.json package-lock.json ./
# devDependencies point at these empty stand-ins (file: packages); npm ci needs them to read the lockfile
COPY scripts/llama-gpu-builds-off scripts/llama-gpu-builds-off
# --ignore-scripts: the package's own `prepare` (a build) runs below, once the sources are here
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src src
RUN npm run build
# production dependencies only, and better-sqlite3's native module (its install script, skipped above)
RUN npm ci --omit=dev --ignore-scripts \
  && npm rebuild better-sqlite3 \
  && npm cache clean --force

# ---- runtime --------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /build/package.json ./package.json
COPY --from=build /build/node_modules ./node_modules
COPY --from=build /build/dist ./dist
# the built-in judge templates (dist/spec/builtin-templates.js looks in /app/templates) and the spec's JSON Schema
COPY templates ./templates
COPY schema ./schema
COPY deploy/healthcheck.mjs ./deploy/healthcheck.mjs
RUN chmod 0755 /app/dist/cli/bin.js && ln -s /app/dist/cli/bin.js /usr/local/bin/rewardkit
# the node user (uid 1000) of the official image; the app's files stay root's, read-only to it
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "/app/deploy/healthcheck.mjs"]
ENTRYPOINT ["rewardkit"]
CMD ["serve", "--spec", "/spec/spec.yaml", "--host", "0.0.0.0", "--port", "8080"]
