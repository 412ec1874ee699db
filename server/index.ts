import type { Server } from 'node:http';
import { seedReferenceData } from '../seeds/reference';
import { createApp } from './app';
import { Config, ConfigError, loadConfig } from './config';
import knexFactory from 'knex';
import { db, knexConfig, migrateAndSeed, openDatabase } from './db';
import { startDraining } from './lifecycle';
import { logger } from './logger';
import { countUsers } from './queries/user.queries';
import { startMailWorker } from './services/mail.worker';

/**
 * Opens the database, migrates it and seeds the reference data (one instance at a time), serves,
 * and on SIGTERM drains: `/healthz` fails at once while requests are still served for
 * SHUTDOWN_DRAIN_MS, so that a load balancer stops sending here before the port closes; then it
 * refuses new connections, lets the requests in flight finish, closes the database and exits 0.
 * SIGINT (Ctrl-C at a terminal) skips the drain.
 */
export async function startServer(config: Readonly<Config>, options: { databaseReady?: boolean } = {}): Promise<Server> {
  const log = logger(config);
  if (!options.databaseReady) {
    // Migrations may rebuild a large table: they run without the statement timeout of requests.
    const migrator = knexFactory(knexConfig(config.databaseUrl));
    try {
      await migrateAndSeed(migrator, seedReferenceData);
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
    {
      port: config.port,
      database: config.databaseUrl.startsWith('postgres') ? 'postgresql' : 'sqlite',
      ...(firstRun ? { setup: `${config.publicUrl}/setup` } : {}),
    },
    `LEEP TA Tracker listening on http://localhost:${config.port}${firstRun ? `; no user yet: create the first director at ${config.publicUrl}/setup` : ''}`,
  );

  const mail = config.smtpUrl
    ? startMailWorker(config, {
        concurrency: config.mailConcurrency,
        leaseMs: config.mailLeaseMs,
        intervalMs: config.mailPollMs,
        log: (msg, extra) => log.warn(extra ?? {}, msg),
      })
    : undefined;

  let stopping = false;
  // While draining, each answer closes its connection: a client's next request opens a new one,
  // which the load balancer sends elsewhere, instead of reusing one this instance is about to close.
  server.prependListener('request', (_req, res) => {
    if (stopping) res.setHeader('Connection', 'close');
  });
  const stop = (signal: string, drainMs: number) => {
    if (stopping) return;
    stopping = true;
    startDraining();
    log.info({ signal, drainMs }, 'shutting down: draining, then finishing requests in flight');
    const close = () => {
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
    if (drainMs > 0) setTimeout(close, drainMs);
    else close();
  };
  process.on('SIGTERM', () => stop('SIGTERM', config.shutdownDrainMs));
  process.on('SIGINT', () => stop('SIGINT', 0));
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
