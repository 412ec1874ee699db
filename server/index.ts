import type { Server } from 'node:http';
import { seedReferenceData } from '../seeds/reference';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { db, migrateLatest, openDatabase } from './db';
import { logger } from './logger';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const log = logger(config);
  openDatabase(config.databaseUrl);
  await migrateLatest();
  await seedReferenceData(db);

  const app = createApp(config);
  const server: Server = app.listen(config.port, config.host, () => {
    log.info({ port: config.port, database: config.databaseUrl.startsWith('postgres') ? 'postgresql' : 'sqlite' }, `LEEP TA Tracker listening on http://localhost:${config.port}`);
  });
  server.keepAliveTimeout = 5_000;

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing requests in flight');
    // Refuse new connections, let the requests in flight finish, then close the database.
    const force = setTimeout(() => {
      log.error('requests still running after 8 s; exiting');
      process.exit(1);
    }, 8_000);
    force.unref();
    server.close(async () => {
      await db.destroy().catch(() => undefined);
      log.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  console.error('LEEP TA Tracker could not start:', err);
  process.exit(1);
});
