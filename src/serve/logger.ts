/**
 * The server's structured logger (pino, JSON lines on stdout by default). Secrets never reach it: the
 * Authorization header and any `token` field are redacted, request logs carry no headers, and rollout
 * bodies are logged only when the operator asks (`--log-bodies`).
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function createServerLogger(level: string = 'info', destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'rewardkit-serve' },
    redact: {
      paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
