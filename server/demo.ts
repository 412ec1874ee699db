import fs from 'node:fs';
import path from 'node:path';
import { demoSummary, generateDemo } from '../seeds/demo';
import { DEMO_PASSWORD } from './demo-password';
import { withApp } from './context';
import { configOrExit, startServer } from './index';
import { migrateAndSeed, openDatabase } from './queries/database.queries';
import { hashPassword, scryptParams } from './services/password.service';
import { todayIn } from './services/time';

/** `npm run demo`: a fresh demo database (data/demo.sqlite3) with the demo history, then the app on it. */
async function main(): Promise<void> {
  const base = configOrExit();
  const file = path.join(base.dataDir, 'demo.sqlite3');
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  // The demo signs in with the printed password alone unless MFA_REQUIRED says otherwise.
  const config = configOrExit({ MFA_REQUIRED: 'off', ...process.env, DATABASE_URL: file });
  const database = openDatabase(file);
  await migrateAndSeed(database);
  // The demo history is written as a command writes: bound to its database, without mail.
  const result = await withApp({ database }, async () =>
    generateDemo(database, {
      cases: 300,
      engagements: 1260,
      consultants: 12,
      jurisdictions: 16,
      seed: 2017,
      today: todayIn(config.timeZone),
      passwordHash: await hashPassword(DEMO_PASSWORD, scryptParams(config.scryptLogN)),
      details: true,
      programs: { secret: config.secret, timeZone: config.timeZone },
    }),
  );
  await startServer(config, { database });
  console.log(`\nLEEP TA Tracker demo: ${demoSummary(result)}.`);
  console.log(`Open http://localhost:${config.port} and sign in with password ${DEMO_PASSWORD} as:`);
  console.log(`  ${result.director} (director)`);
  for (const c of result.consultants.slice(0, 3)) console.log(`  ${c.email} (consultant, ${c.name})`);
  console.log(`The demo database is ${file}; it is made anew on every run.\n`);
}

main().catch((err) => {
  console.error('The demo could not start:', err);
  process.exit(1);
});
