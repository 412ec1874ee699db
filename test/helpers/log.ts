import { Writable } from 'node:stream';
import type { Express } from 'express';
import { createApp } from '../../server/app';
import { Config, loadConfig } from '../../server/config';
import { makeLogger } from '../../server/logger';

/** The app at LOG_LEVEL=debug with its log lines kept in an array (the app's own redaction applies). */
export function testAppWithLog(env: Record<string, string> = {}): { app: Express; lines: string[]; config: Readonly<Config> } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'http://leep.test', INTAKE_RATE_LIMIT: '100000', LOG_LEVEL: 'debug', ...env });
  return { app: createApp(config, { log: makeLogger(config, sink) }), lines, config };
}
