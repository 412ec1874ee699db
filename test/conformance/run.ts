/*
 * Conformance by outside testers: Stoplight Spectral lints the OpenAPI document with its OpenAPI
 * ruleset, then, on each engine (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), Portman
 * turns the document into contract tests and fuzzing variations and Newman runs them against the
 * app, started here on a fresh database with a read token and a write token. Nothing is fetched
 * from or sent to the network: the document is a local file and Portman's Postman upload is off.
 *
 * Prints each failure, then `N passed, N failed` alone on the last line; exits 1 on any failure.
 * A failed Newman assertion, a request Newman could not make, and any 5xx answer are failures.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import newman from 'newman';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { openApiDocument } from '../../server/schemas/openapi';
import { createApiToken } from '../../server/services/token.service';
import { makeUser } from '../helpers/auth';
import { EngineName, engines, freshDatabase } from '../helpers/db';
import { daysFromToday, makeCase, storeEngagement, today } from '../helpers/engagements';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'node_modules', '.bin');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'leep-conformance-'));
let passed = 0;
let failed = 0;

function spectral(): void {
  const file = path.join(work, 'openapi.json');
  fs.writeFileSync(file, JSON.stringify(openApiDocument('http://127.0.0.1'), null, 2));
  const out = path.join(work, 'spectral.json');
  try {
    execFileSync(
      path.join(BIN, 'spectral'),
      ['lint', '--ruleset', path.join(__dirname, 'spectral.yaml'), '--format', 'json', '--output', out, '--fail-severity', 'error', file],
      { stdio: 'inherit' },
    );
  } catch {
    // Spectral exits 1 when it finds errors; they are counted from its report below.
  }
  const results = JSON.parse(fs.readFileSync(out, 'utf8') || '[]') as { severity: number; message: string; path: string[] }[];
  const errors = results.filter((r) => r.severity === 0);
  for (const r of results) console.log(`spectral ${['error', 'warning', 'info', 'hint'][r.severity]}: ${r.message} at ${r.path.join('.')}`);
  console.log(`Spectral (spectral:oas): ${errors.length} errors, ${results.length - errors.length} other findings`);
  if (errors.length) failed += errors.length;
  else passed += 1;
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

async function engine(name: EngineName): Promise<void> {
  const database = await freshDatabase(name);
  const server = http.createServer();
  try {
    const baseUrl = await listen(server);
    const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL: baseUrl, INTAKE_RATE_LIMIT: '100000', RECEIPTS_PER_DAY: '1000' });
    server.on('request', createApp(config));

    // The data the calls need: the document's examples name consultant 2 (the first consultant of
    // a fresh database), topics of the reference data, and dates the rules accept.
    const director = await makeUser({ role: 'director', name: 'Conformance Director' });
    const consultant = await makeUser({ role: 'consultant', name: 'Conformance Consultant' });
    if (consultant.id !== 2) throw new Error(`the examples expect consultant id 2, not ${consultant.id}`);
    const kase = await makeCase(config, { lead: consultant, director });
    const engagementId = await storeEngagement(kase.id, director, { consultant_ids: [consultant.id], date: daysFromToday(-2) });
    const cancelId = await storeEngagement(kase.id, director, { consultant_ids: [consultant.id] });
    const readToken = (await createApiToken(director, 'Conformance (read)', 'read')).token;
    const writeToken = (await createApiToken(director, 'Conformance (write)', 'write')).token;

    const doc = path.join(work, `openapi-${name}.json`);
    fs.writeFileSync(doc, JSON.stringify(openApiDocument(baseUrl), null, 2));
    const collection = path.join(work, `collection-${name}.json`);
    execFileSync(
      path.join(BIN, 'portman'),
      [
        '--local',
        doc,
        '--baseUrl',
        baseUrl,
        '--portmanConfigFile',
        path.join(__dirname, 'portman-config.json'),
        '--output',
        collection,
        '--syncPostman',
        'false',
        '--runNewman',
        'false',
      ],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
        cwd: work,
      },
    );

    const vars = {
      readToken,
      writeToken,
      caseReference: kase.reference,
      engagementId: String(engagementId),
      cancelId: String(cancelId),
      pastDate: daysFromToday(-1),
      today: today(),
    };
    const summary = await new Promise<newman.NewmanRunSummary>((resolve, reject) =>
      newman.run(
        {
          collection: JSON.parse(fs.readFileSync(collection, 'utf8')),
          envVar: Object.entries(vars).map(([key, value]) => ({ key, value })),
          reporters: [],
          timeoutRequest: 30_000,
        },
        (err, s) => (err ? reject(err) : resolve(s)),
      ),
    );
    let fiveHundreds = 0;
    for (const ex of summary.run.executions) {
      const code = ex.response?.code ?? 0;
      if (code >= 500) {
        fiveHundreds += 1;
        console.log(`[${name}] 5xx: ${ex.item.name} answered ${code}: ${ex.response?.stream?.toString().slice(0, 300)}`);
      }
      for (const a of ex.assertions ?? [])
        if (a.error)
          console.log(
            `[${name}] failed: ${ex.item.name}: ${a.assertion}: ${a.error.message}${ex.response ? ` (answered ${ex.response.code}: ${ex.response.stream?.toString().slice(0, 300)})` : ''}`,
          );
    }
    const stats = summary.run.stats;
    const requestFailures = summary.run.failures.filter((f) => !f.error?.name?.includes('AssertionError')).length;
    const assertionsFailed = Number(stats.assertions.failed ?? 0);
    const assertionsTotal = Number(stats.assertions.total ?? 0);
    console.log(
      `Portman/Newman [${name}]: ${stats.requests.total} requests, ${assertionsTotal} assertions, ${assertionsFailed} failed, ${fiveHundreds} answers 5xx, ${requestFailures} other failures`,
    );
    passed += assertionsTotal - assertionsFailed;
    failed += assertionsFailed + fiveHundreds + requestFailures;
  } finally {
    server.close();
    await database.destroy();
  }
}

async function main(): Promise<void> {
  spectral();
  if (process.env.CI === 'true' && !process.env.TEST_DATABASE_URL) {
    console.log('CI=true but TEST_DATABASE_URL is not set: PostgreSQL cannot be checked.');
    failed += 1;
  }
  for (const name of engines()) {
    try {
      await engine(name);
    } catch (err) {
      console.log(`[${name}] the conformance run could not finish: ${(err as Error).stack ?? err}`);
      failed += 1;
    }
  }
  fs.rmSync(work, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

void main();
