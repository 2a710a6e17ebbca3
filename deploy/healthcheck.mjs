// The container's HEALTHCHECK for `rewardkit serve` (see Dockerfile): GET /healthz with Node's own fetch, since the
// slim image has no curl. Exit 0 when the server answers 200 within the timeout; exit 1 otherwise — refused or
// unreachable, too slow, or 503 while it drains after SIGTERM. One line on stderr says why (docker inspect shows it).
//   REWARDKIT_HEALTHCHECK_URL          default http://127.0.0.1:8080/healthz (the image's CMD serves on 8080)
//   REWARDKIT_HEALTHCHECK_TIMEOUT_MS   default 3000
const url = process.env.REWARDKIT_HEALTHCHECK_URL || 'http://127.0.0.1:8080/healthz';
const timeoutMs = Number(process.env.REWARDKIT_HEALTHCHECK_TIMEOUT_MS || 3000);

try {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (response.ok) {
    process.exitCode = 0;
  } else {
    console.error(`unhealthy: ${url} answered HTTP ${response.status}`);
    process.exitCode = 1;
  }
} catch (error) {
  const reason = error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error.cause?.code ?? error.message);
  console.error(`unhealthy: ${url}: ${reason}`);
  process.exitCode = 1;
}
