import type { Server } from 'node:http';
import { createApp } from './app';
import { Config, ConfigError, loadConfig } from './config';
import { withApp } from './context';
import { Database, closeDatabase, engineName, migrateAndSeed, openDatabase } from './queries/database.queries';
import { startDraining } from './lifecycle';
import { logger } from './logger';
import { countUsers } from './queries/user.queries';
import { startMailWorker } from './services/mail.worker';

/** Opens the database of DATABASE_URL, migrated and seeded with the reference data (one instance at a time). */
async function openMigrated(config: Readonly<Config>): Promise<Database> {
  // Migrations may rebuild a large table: they run without the statement timeout of requests.
  const migrator = openDatabase(config.databaseUrl);
  try {
    await migrateAndSeed(migrator);
  } finally {
    await closeDatabase(migrator);
  }
  return openDatabase(config.databaseUrl, { statementTimeoutMs: config.dbStatementTimeoutMs, acquireTimeoutMs: config.dbAcquireTimeoutMs });
}

/**
 * Serves the app on `database` (by default, the one of DATABASE_URL, made ready first), with its
 * mail worker bound to the same database and settings, and on SIGTERM drains: `/healthz` fails at
 * once while requests are still served for SHUTDOWN_DRAIN_MS, so that a load balancer stops
 * sending here before the port closes; then it refuses new connections, lets the requests in
 * flight finish, closes the database and exits 0. SIGINT (Ctrl-C at a terminal) skips the drain.
 */
export async function startServer(config: Readonly<Config>, options: { database?: Database } = {}): Promise<Server> {
  const log = logger(config);
  const database = options.database ?? (await openMigrated(config));
  const app = createApp(config, { database: () => database });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
  });
  server.keepAliveTimeout = 5_000;
  // On an empty database the first line says where to begin: nobody can sign in before /setup.
  const firstRun = (await withApp({ database, config }, () => countUsers())) === 0;
  log.info(
    {
      port: config.port,
      database: engineName(config.databaseUrl),
      ...(firstRun ? { setup: `${config.publicUrl}/setup` } : {}),
    },
    `LEEP TA Tracker listening on http://localhost:${config.port}${firstRun ? `; no user yet: create the first director at ${config.publicUrl}/setup` : ''}`,
  );

  // The worker sends the outbox of the database bound when it starts: the app's.
  const mail = config.smtpUrl
    ? withApp({ database, config }, () =>
        startMailWorker(config, {
          concurrency: config.mailConcurrency,
          leaseMs: config.mailLeaseMs,
          intervalMs: config.mailPollMs,
          log: (msg, extra) => log.warn(extra ?? {}, msg),
        }),
      )
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
        await closeDatabase(database).catch(() => undefined);
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
