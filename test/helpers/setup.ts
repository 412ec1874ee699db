// Loaded by mocha before any test file (in each worker of a parallel run, and in the main process).
import { buildOnce } from './built-server';

process.env.NODE_ENV = 'test';
if (!process.env.TEST_DATABASE_URL) {
  console.log('\n  PostgreSQL: TEST_DATABASE_URL is not set, so every suite runs on SQLite only (CI runs both).\n');
}

/**
 * Mocha's global setup, run once in the main process before the first file. For a whole run
 * (.mocharc.cjs sets LEEP_TEST_BUILD_FIRST) the app is built here, before any worker starts, so
 * that no worker builds while another one's server is reading dist/.
 */
export async function mochaGlobalSetup(): Promise<void> {
  if (process.env.LEEP_TEST_BUILD_FIRST === '1') await buildOnce();
}
