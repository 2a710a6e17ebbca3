/**
 * Errors the server answers with: always JSON `{"error": {"code", "message", "issues"?}}`, where every
 * message names the field and what was expected — never a stack trace. zod issues become field paths
 * such as `rows[3]` or `query`.
 */
import { RewardkitError } from '../rewardkit-error.js';
import type { z } from 'zod';
import { formatPath } from '../spec/load-spec.js';

export interface ErrorBody {
  error: { code: string; message: string; issues?: Array<{ field: string; message: string }> };
}

const HTTP_ERROR = 'rewardkit.error.HttpError';
const HTTP_ERROR_SYMBOL = Symbol.for(HTTP_ERROR);

export class HttpError extends RewardkitError {
  private readonly [HTTP_ERROR_SYMBOL] = true;

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: Array<{ field: string; message: string }>,
    /** Response headers that go with the error (e.g. Retry-After on a 429, Connection: close on a 408). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  static override isInstance(error: unknown): error is HttpError {
    return RewardkitError.hasMarker(error, HTTP_ERROR);
  }

  get body(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) } };
  }
}

/** Parses a request body with a zod schema, or throws a 400 naming every bad field (`what` is the root's name). */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 20).map((issue) => ({ field: formatPath(issue.path) || what, message: issueMessage(issue) }));
  const first = issues[0]!;
  const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
  throw new HttpError(400, 'invalid_request', `${first.field}: ${first.message}${more}`, issues);
}

function issueMessage(issue: z.core.$ZodIssue): string {
  const message = issue.message.replace(/^Invalid input: /, '');
  if (issue.code === 'invalid_type' && message.endsWith('received undefined')) return `missing required field (expected ${issue.expected})`;
  if (issue.code === 'unrecognized_keys')
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`;
  return message;
}
