import { loadConfig } from './config';
import { withApp } from './context';
import { closeDatabase, migrateAndSeed, openDatabase } from './queries/database.queries';
import { importFile, seedDemo } from './cli/data';
import { reportFailure } from './cli/failure';
import { auditPrune, backup, reportsRebuild } from './cli/maintenance';
import { userCreate } from './cli/users';

/*
 * The command line (`npm run cli -- <command>`): its usage, and each command handed to its module
 * under cli/ (users.ts, data.ts, maintenance.ts); a failure is told by cli/failure.ts.
 */

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  migrate                                   apply pending database migrations
  user:create --email <address> --name <name> --role <director|consultant> [--capacity <n>] [--expertise <slug,slug>]
                                            create a staff account (expertise: topic slugs, for
                                            the suggested consultants); the password is read from
                                            standard input (typed without echo on a terminal)
  seed:demo [--cases N] [--engagements N] [--consultants N] [--jurisdictions N] [--seed N] [--today YYYY-MM-DD]
                                            fill an empty database with a deterministic history
                                            from 2017 to today (default: LEEP's shape, about 300
                                            cases, 1,200 engagements, 16 jurisdictions served)
  import <file.csv> [--dry-run]             import historical cases and engagements (layout in
                                            README.md); a dry run lists every row with a problem
                                            and writes nothing; a real run imports all or nothing
  backup <file>                             a consistent copy of the SQLite database, taken while
                                            the app runs (SQLite's online backup); on PostgreSQL
                                            use pg_dump (see README)
  reports:rebuild                           make the report roll-ups again from the engagements
                                            (after rows were written around the app: a restore
                                            of part of a table, an edit by hand in SQL)
  audit:prune [--days N]                    delete audit events older than N days (default
                                            AUDIT_RETENTION_DAYS, 730) and expired sign-in
                                            throttle rows; run it daily (cron, a systemd timer);
                                            on PostgreSQL one host at a time does the work
  help                                      show this text

The database is the one the app uses: DATABASE_URL, or the SQLite file under DATA_DIR.`;

/** The command's work, on the database the app uses (migrated first), which it closes at the end. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  // A backup reads the live file directly; it neither migrates nor opens the app's pool.
  if (command === 'backup') return backup(rest);
  const config = loadConfig();
  const database = openDatabase(config.databaseUrl);
  // A command's work is bound to its database, without the app's settings: it writes no mail.
  return withApp({ database }, async () => {
    try {
      await migrateAndSeed(database);
      switch (command) {
        case 'migrate':
          console.log('The database is up to date.');
          return 0;
        case 'user:create':
          return await userCreate(rest);
        case 'seed:demo':
          return await seedDemo(database, rest);
        case 'import':
          return await importFile(rest);
        case 'audit:prune':
          return await auditPrune(rest, config.auditRetentionDays);
        case 'reports:rebuild':
          return await reportsRebuild();
        default:
          console.error(`Unknown command "${command}".\n\n${USAGE}`);
          return 2;
      }
    } finally {
      await closeDatabase(database);
    }
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => process.exit(reportFailure(err)),
);
