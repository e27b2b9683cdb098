import type { z } from 'zod';
import { printable } from '../lib/printable.ts';

/** An error the API answers with `{"error": {code, message, field?}}`; the message says what to do. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/**
 * Every error the API sends is built here, so this is where echoed input is made safe: control, bidi and
 * invisible characters in the message or field become visible escapes, and neither can run to pages.
 */
export function errorBody(code: string, message: string, field?: string): ErrorBody {
  return { error: { code, message: printable(message), ...(field ? { field: printable(field, 200) } : {}) } };
}

/** A zod failure as a 400 naming the first offending field (`where` says query, body or path). */
export function fromZod(error: z.ZodError, where: 'query' | 'body' | 'path'): ApiError {
  const issue = error.issues[0];
  if (!issue) return new ApiError(400, 'invalid_request', `the ${where} is not valid`);
  const path = issue.path.map(String).join('.');
  const field = path || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : where);
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown ${where} field(s) ${issue.keys.join(', ')}; remove them`
      : `${field}: ${issue.message}`;
  return new ApiError(400, 'invalid_request', message, field);
}
