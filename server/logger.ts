import pino, { DestinationStream, Logger } from 'pino';
import type { Config } from './config';

let instance: Logger | undefined;

// PostgreSQL puts the row's values in an error's `detail` ("Failing row contains (…, x@y.org, …)")
// and `where`; the SQL's bound values are kept out of the message by knex (compileSqlOnError).
const ROW_FIELDS = ['detail', 'where', 'parameters', 'bindings', 'hint'];

/** pino's error serializer, less the fields in which a database error repeats stored values. */
function safeError(err: unknown): unknown {
  const out = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  for (const field of ROW_FIELDS) delete out[field];
  return out;
}

/** A structured (JSON) logger writing to `destination` (standard output by default), with secrets redacted. */
export function makeLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    serializers: { err: safeError },
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', '*.token', '*.secret'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** The process's one logger; secrets in headers and bodies are never written. */
export function logger(config: Pick<Config, 'logLevel'>): Logger {
  if (!instance || instance.level !== config.logLevel) instance = makeLogger(config);
  return instance;
}
