import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { sqliteFileOf } from '../queries/database.queries';
import { backupSqlite } from '../services/backup.service';
import { pruneRecordsOnce } from '../services/retention.service';
import { rebuildReportRollups } from '../services/report-rollups';

/* The CLI's upkeep of a running site: backups, pruning old records, rebuilding the report roll-ups. */

/** `backup`: a consistent copy of the SQLite database, taken while the app runs. */
export async function backup(argv: string[]): Promise<number> {
  const [target] = argv;
  if (!target || argv.length > 1) {
    console.error('backup needs one argument: the file to write, for example backups/leep-2026-11-23.sqlite3');
    return 2;
  }
  const config = loadConfig();
  const file = sqliteFileOf(config.databaseUrl);
  if (!file) {
    console.error('This database is PostgreSQL: back it up with pg_dump (see "Backups" in README.md).');
    return 2;
  }
  const started = Date.now();
  const result = await backupSqlite(file, target);
  console.log(
    `Backed up ${config.databaseUrl} to ${target} (${result.pages} pages, integrity ${result.integrity}) in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
  return 0;
}

/** `audit:prune`: audit events older than the retention, and expired sign-in throttle rows, deleted. */
export async function auditPrune(argv: string[], fallbackDays: number): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { days: { type: 'string' } }, strict: true });
  const days = values.days === undefined ? fallbackDays : /^\d+$/.test(values.days) ? Number(values.days) : NaN;
  if (!Number.isInteger(days) || days < 1) {
    console.error('audit:prune --days needs a whole number of days, 1 or more.');
    return 2;
  }
  const result = await pruneRecordsOnce(days);
  if (!result) {
    console.log('Another host is pruning this database right now; nothing done here.');
    return 0;
  }
  console.log(
    `Deleted ${result.auditEvents} audit events recorded before ${result.cutoff} and ${result.throttles} expired sign-in throttle rows.`,
  );
  return 0;
}

/** `reports:rebuild`: the report roll-ups made again from the engagements. */
export async function reportsRebuild(): Promise<number> {
  const started = Date.now();
  const rows = await rebuildReportRollups();
  console.log(
    `Rebuilt the report roll-ups from the engagements: ${rows.rollups.toLocaleString('en-US')} roll-up rows for ${rows.engagements.toLocaleString('en-US')} delivered engagements, in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
  return 0;
}
