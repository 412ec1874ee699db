import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import type { Database } from '../queries/database.queries';
import { importPlanned, planImport } from '../services/import.service';
import { AppError } from '../errors';
import { hashPassword, scryptParams } from '../services/password.service';
import { todayIn } from '../services/time';
import { demoSummary, generateDemo } from '../../seeds/demo';
import { DEMO_PASSWORD } from '../demo-password';

/* The CLI's commands that fill the database: the demo history, and an import of historical records. */

/** `seed:demo`: a deterministic demo history in an empty database. */
export async function seedDemo(database: Database, argv: string[]): Promise<number> {
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

/** `import`: historical cases and engagements from a CSV file, all or nothing (or a dry run). */
export async function importFile(argv: string[]): Promise<number> {
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
  const plan = await readAndCheck(file, config.timeZone);
  if (!plan) return 2;
  const result = await importPlanned(plan, {
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

/**
 * Reads an import file as bytes (parsed as UTF-8 from them, with no copy as a string) and checks
 * it. The bytes are let go when this returns, before anything is written; undefined when the file
 * cannot be read (said on stderr).
 */
async function readAndCheck(file: string, timeZone: string): Promise<Awaited<ReturnType<typeof planImport>> | undefined> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    console.error(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    return undefined;
  }
  return planImport(bytes, timeZone);
}
