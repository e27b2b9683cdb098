import type { FastifyReply, FastifyRequest } from 'fastify';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import pretty from 'pino-pretty';
import { redact } from '../lib/redact.ts';

/**
 * Paths pino blanks in every log line: credentials and the fields that carry PHI in request or response
 * objects, should any code log one. The serializers below are the first line of defence (they never
 * copy headers, query strings or bodies into a line); this list is the second.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  'key',
  'apiKey',
  'secret',
  'password',
  'access_token',
  'phone',
  'name',
  'text',
  'title',
  'comment',
  // Text messages: who they are to or from and what they say (src/messaging, Twilio's form fields).
  'body',
  'to',
  'from',
  'to_phone',
  'from_phone',
  'Body',
  'From',
  'To',
  '*.authorization',
  '*.token',
  '*.key',
  '*.apiKey',
  '*.secret',
  '*.access_token',
  '*.phone',
  '*.phones',
  '*.name',
  '*.text',
  '*.title',
  '*.comment',
  '*.body',
  '*.to',
  '*.from',
  '*.to_phone',
  '*.from_phone',
  '*.Body',
  '*.From',
  '*.To',
];

/**
 * The query string may hold a phone number or a name: a log line keeps the path only, and in the path a
 * phone number (typed where an id belongs, percent-encoded or not) is replaced like anywhere else.
 */
function pathOnly(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  // Each run of escapes on its own, so one malformed escape elsewhere (a trailing %) does not leave the
  // number encoded, out of the scrubber's sight.
  const decoded = path.replace(/(?:%[0-9A-Fa-f]{2})+/g, (escapes) => {
    try {
      return decodeURIComponent(escapes);
    } catch {
      return escapes;
    }
  });
  const scrubbed = redact(decoded);
  return scrubbed === decoded ? path : scrubbed;
}

export const serializers = {
  req(request: FastifyRequest) {
    return { method: request.method, url: pathOnly(request.url), route: request.routeOptions?.url ?? null };
  },
  res(reply: FastifyReply) {
    return { statusCode: reply.statusCode };
  },
  err(error: Error & { code?: string; statusCode?: number }) {
    // Messages can quote input; the shared scrubber removes tokens, phones and e-mail addresses.
    return {
      type: error.name,
      code: error.code,
      statusCode: error.statusCode,
      message: redact(error.message),
      stack: error.stack ? redact(error.stack) : undefined,
    };
  },
};

export type LogFormat = 'json' | 'pretty';

/**
 * `LOG_FORMAT` when set (json or pretty); otherwise readable lines when the log stream (stderr) is a
 * terminal, and JSON lines when it is a file, a pipe or a log collector.
 */
export function logFormat(
  env: NodeJS.ProcessEnv = process.env,
  isTTY = Boolean(process.stderr.isTTY),
): LogFormat {
  const asked = env.LOG_FORMAT?.trim().toLowerCase();
  if (asked === 'json' || asked === 'pretty') return asked;
  return isTTY ? 'pretty' : 'json';
}

export function serviceLogger(
  options: { level?: string; destination?: DestinationStream; format?: LogFormat } = {},
): Logger {
  const config: LoggerOptions = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers,
    base: { service: 'skybridge' },
  };
  // Logs go to stderr: stdout keeps the start lines a person reads (URLs, where the key is). Redaction
  // and serializers run before either format, so a pretty line carries no more than a JSON one.
  const format = options.format ?? (options.destination ? 'json' : logFormat());
  if (format === 'pretty') {
    return pino(
      config,
      pretty({
        destination: options.destination ?? 2,
        sync: true,
        colorize: !options.destination,
        ignore: 'pid,hostname,service',
        translateTime: 'SYS:HH:MM:ss.l',
      }),
    );
  }
  return pino(config, options.destination ?? pino.destination(2));
}
