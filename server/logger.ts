import pino, { DestinationStream, Logger } from 'pino';
import type { Config } from './config';

let instance: Logger | undefined;

/** A structured (JSON) logger writing to `destination` (standard output by default), with secrets redacted. */
export function makeLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
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
