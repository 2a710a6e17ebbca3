/** A loopback port nothing listens on (bound once, then closed): for "cannot reach" tests that must fail at once. */
import { createServer } from 'node:net';

export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
