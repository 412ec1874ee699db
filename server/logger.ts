import pino, { Logger } from 'pino';
import type { Config } from './config';

let instance: Logger | undefined;

/** One structured (JSON) logger; secrets in headers and bodies are never written. */
export function logger(config: Pick<Config, 'logLevel'>): Logger {
  if (!instance || instance.level !== config.logLevel) {
    instance = pino({
      level: config.logLevel,
      redact: {
        paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', '*.token', '*.secret'],
        censor: '[redacted]',
      },
    });
  }
  return instance;
}
