import type { Server } from 'node:http';
import { seedReferenceData } from '../seeds/reference';
import { createApp } from './app';
import { Config, ConfigError, loadConfig } from './config';
import knexFactory from 'knex';
import { db, knexConfig, migrateLatest, openDatabase } from './db';
import { logger } from './logger';
import { countUsers } from './queries/user.queries';
import { startMailWorker } from './services/mail.worker';

/**
 * Opens the database, migrates it, seeds the reference data, serves, and on SIGTERM or SIGINT
 * refuses new connections, lets the requests in flight finish, closes the database and exits 0.
 */
export async function startServer(config: Readonly<Config>, options: { databaseReady?: boolean } = {}): Promise<Server> {
  const log = logger(config);
  if (!options.databaseReady) {
    // Migrations may rebuild a large table: they run without the statement timeout of requests.
    const migrator = knexFactory(knexConfig(config.databaseUrl));
    try {
      await migrateLatest(migrator);
      await seedReferenceData(migrator);
    } finally {
      await migrator.destroy();
    }
    openDatabase(config.databaseUrl, { statementTimeoutMs: config.dbStatementTimeoutMs, acquireTimeoutMs: config.dbAcquireTimeoutMs });
  }
  const app = createApp(config);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
  });
  server.keepAliveTimeout = 5_000;
  // On an empty database the first line says where to begin: nobody can sign in before /setup.
  const firstRun = (await countUsers()) === 0;
  log.info(
    { port: config.port, database: config.databaseUrl.startsWith('postgres') ? 'postgresql' : 'sqlite', ...(firstRun ? { setup: `${config.publicUrl}/setup` } : {}) },
    `LEEP TA Tracker listening on http://localhost:${config.port}${firstRun ? `; no user yet: create the first director at ${config.publicUrl}/setup` : ''}`,
  );

  const mail = config.smtpUrl ? startMailWorker(config, { log: (msg, extra) => log.warn(extra ?? {}, msg) }) : undefined;

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing requests in flight');
    const force = setTimeout(() => {
      log.error('requests still running after 8 s; exiting');
      process.exit(1);
    }, 8_000);
    force.unref();
    server.close(async () => {
      await mail?.stop();
      await db.destroy().catch(() => undefined);
      log.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return server;
}

/** Reads the configuration or exits with a clear message. */
export function configOrExit(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}

if (require.main === module) {
  startServer(configOrExit()).catch((err) => {
    console.error('LEEP TA Tracker could not start:', err);
    process.exit(1);
  });
}
