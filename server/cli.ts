import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import readline from 'node:readline';
import { ConfigError, loadConfig } from './config';
import { withApp } from './context';
import { Database, closeDatabase, migrateAndSeed, openDatabase, sqliteFileOf } from './queries/database.queries';
import { backupSqlite } from './services/backup.service';
import { importCsv } from './services/import.service';
import { AppError, ValidationError } from './errors';
import { listTopics } from './queries/reference.queries';
import { createUser } from './services/user.service';
import { hashPassword, scryptParams } from './services/password.service';
import { todayIn } from './services/time';
import { pruneRecordsOnce } from './services/retention.service';
import { rebuildReportRollups } from './services/report-rollups';
import { demoSummary, generateDemo } from '../seeds/demo';
import { DEMO_PASSWORD } from './demo-password';

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

/** Reads one line from standard input; on a terminal, without echoing what is typed. */
async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    let data = '';
    for await (const chunk of process.stdin) data += chunk;
    return data.split(/\r?\n/)[0] ?? '';
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const rlo = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
  let muted = false;
  rlo._writeToOutput = (s: string) => {
    if (!muted || s.includes(prompt)) rlo.output.write(s);
  };
  return new Promise((resolve) => {
    rl.question(prompt, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

async function userCreate(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      capacity: { type: 'string' },
      expertise: { type: 'string' },
    },
    strict: true,
  });
  if (!values.email || !values.name || !values.role) {
    console.error('user:create needs --email, --name and --role (director or consultant).');
    return 2;
  }
  const password = await readPassword('Password (at least 12 characters): ');
  const config = loadConfig();
  const payload: Record<string, unknown> = { email: values.email, name: values.name, role: values.role, password };
  if (values.capacity !== undefined) payload.capacity = /^\d+$/.test(values.capacity) ? Number(values.capacity) : values.capacity;
  if (values.expertise !== undefined)
    payload.topics = values.expertise
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const user = await createUser(payload, { scrypt: scryptParams(config.scryptLogN), operator: true }).catch(async (err: unknown) => {
    // Name the topics one may give, rather than only "choose from the list".
    if (refusal(err)?.some((e) => e.field === 'topics')) {
      console.error(`--expertise takes topic slugs separated by commas: ${(await listTopics()).map((t) => t.slug).join(', ')}`);
    }
    throw err;
  });
  console.log(`Created ${user.role} ${user.name} <${user.email}> (id ${user.id}).`);
  return 0;
}

async function seedDemo(database: Database, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      cases: { type: 'string' },
      engagements: { type: 'string' },
      consultants: { type: 'string' },
      jurisdictions: { type: 'string' },
      seed: { type: 'string' },
      today: { type: 'string' },
    },
    strict: true,
  });
  const whole = (name: string, v: string | undefined, fallback: number, min: number, max: number) => {
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
      throw new AppError(2, 'usage', `--${name} must be a whole number from ${min} to ${max}`);
    return Number(v);
  };
  const config = loadConfig();
  const cases = whole('cases', values.cases, 300, 20, 1_000_000);
  const started = Date.now();
  const today = values.today ?? todayIn(config.timeZone);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new AppError(2, 'usage', '--today must be a date like 2026-11-23');
  const result = await generateDemo(database, {
    cases,
    engagements: whole('engagements', values.engagements, Math.round(cases * 4.2), 0, 10_000_000),
    consultants: whole('consultants', values.consultants, 12, 1, 1000),
    jurisdictions: whole('jurisdictions', values.jurisdictions, 16, 1, 56),
    seed: whole('seed', values.seed, 2017, 0, 2 ** 31),
    today,
    passwordHash: await hashPassword(DEMO_PASSWORD, scryptParams(config.scryptLogN)),
    details: cases <= 5000,
    programs: cases <= 5000 ? { secret: config.secret, timeZone: config.timeZone } : undefined,
  });
  console.log(`Demo data: ${demoSummary(result)}, in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  console.log(`Sign in as ${result.director} (director) or ${result.consultants[0]?.email} (consultant), password ${DEMO_PASSWORD}`);
  return 0;
}

async function backup(argv: string[]): Promise<number> {
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

/** A one-line progress bar on a terminal (standard error), nothing when piped. */
function progressBar(label: string) {
  let last = 0;
  return (done: number, total: number) => {
    if (!process.stderr.isTTY) return;
    const now = Date.now();
    if (done < total && now - last < 100) return;
    last = now;
    const width = 30;
    const filled = Math.round((done / Math.max(1, total)) * width);
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
  };
}

async function importFile(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { 'dry-run': { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const [file] = positionals;
  if (!file || positionals.length > 1) {
    console.error('import needs one CSV file, for example: npm run cli -- import records.csv --dry-run');
    return 2;
  }
  const config = loadConfig();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    console.error(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    return 2;
  }
  const result = await importCsv(text, {
    dryRun: Boolean(values['dry-run']),
    timeZone: config.timeZone,
    source: path.basename(file),
    onProgress: progressBar('Importing'),
  });
  if (result.problems.length) {
    console.error(`${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in ${file}; nothing was imported:`);
    for (const p of result.problems) console.error(`  row ${p.row}${p.column ? `, ${p.column}` : ''}: ${p.message}`);
    return 1;
  }
  const verb = result.dryRun ? 'Dry run: would import' : 'Imported';
  const accounts = result.created.consultants
    ? `; ${result.dryRun ? 'would create ' : ''}${result.created.consultants} inactive consultant accounts${result.dryRun ? '' : ' created'}`
    : '';
  console.log(
    `${verb} ${result.created.cases} cases and ${result.created.engagements} engagements from ${result.rows} rows${result.skipped.cases || result.skipped.engagements ? ` (already there: ${result.skipped.cases} cases, ${result.skipped.engagements} engagements)` : ''}${accounts}.`,
  );
  for (const a of result.dryRun ? result.accounts : [])
    console.log(`  ${a.name} <${a.email}>${a.sameNameAs ? `: the same name as ${a.sameNameAs}; is it the same person?` : ''}`);
  return 0;
}

async function auditPrune(argv: string[], fallbackDays: number): Promise<number> {
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

async function reportsRebuild(): Promise<number> {
  const started = Date.now();
  const rows = await rebuildReportRollups();
  console.log(
    `Rebuilt the report roll-ups from the engagements: ${rows.rollups.toLocaleString('en-US')} roll-up rows for ${rows.engagements.toLocaleString('en-US')} delivered engagements, in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
  return 0;
}

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

/** The messages of refused input (a ValidationError), or undefined for any other error. */
function refusal(err: unknown): ValidationError['errors'] | undefined {
  return err instanceof ValidationError ? err.errors : undefined;
}

/** Says what went wrong on standard error; the exit code: 2 for a misuse, 1 for anything else. */
function reportFailure(err: unknown): number {
  const refused = refusal(err);
  if (refused) {
    for (const e of refused) console.error(`${e.field}: ${e.message}`);
  } else if (err instanceof AppError || err instanceof ConfigError) {
    console.error(err.message);
    if (err instanceof AppError && err.status === 2) return 2;
  } else if ((err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    console.error((err as Error).message);
  } else {
    console.error(err);
  }
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => process.exit(reportFailure(err)),
);
