import { AsyncLocalStorage } from 'node:async_hooks';
import type { Config } from './config';
import { type Database, withDatabase } from './queries/database.queries';

/**
 * What a piece of work runs with: the database and the settings of the app it belongs to. An app
 * binds its own to each of its requests, a server to its mail worker, a command to its work, so
 * that two apps in one process (tests) share neither data nor settings.
 */
interface AppContext {
  /** Without one, the work uses the process's database (a test's). */
  database?: Database;
  /** The app's settings. A command has none: it writes no mail. */
  config?: Readonly<Config>;
}

const settings = new AsyncLocalStorage<Readonly<Config> | undefined>();

/** Runs `work`, and everything it starts, with this database and these settings. */
export function withApp<T>({ database, config }: AppContext, work: () => T): T {
  const withSettings = () => settings.run(config, work);
  return database ? withDatabase(database, withSettings) : withSettings();
}

/** The settings of the app the current work belongs to; undefined in a command (or a test's own code). */
export function appConfig(): Readonly<Config> | undefined {
  return settings.getStore();
}
