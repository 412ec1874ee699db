import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/built-server';
import { Dataset } from './data';
import { Staff, postForm } from './first-view';
import { importFile } from './import-file';
import { memoryOf } from './machine';
import { Running } from './processes';
import { fmt, say } from './progress';
import { ImportRun } from './results';

const CLI = path.join(ROOT, 'dist', 'server', 'cli.js');

/**
 * Runs `npm run cli -- import` of a generated file against the serving app's database, while
 * /healthz and a staff page are asked every 100 ms and a note is added to a case every second (a
 * write, as staff make them while an administrator imports): how long the import takes, its peak
 * memory, and how the app answers meanwhile.
 */
export async function importBeside(
  server: Running,
  dataset: Dataset,
  env: Record<string, string>,
  cookie: string,
  staff: Staff,
  rows: number,
): Promise<ImportRun> {
  const file = path.join(os.tmpdir(), `leep-bench-import-${process.pid}.csv`);
  fs.writeFileSync(file, importFile(rows, `bench${Date.now().toString(36)}`));
  say(`${dataset.size}/${dataset.engine}: importing ${fmt(rows)} rows with the CLI while the app serves`);
  const health: number[] = [];
  const page: number[] = [];
  const notes: number[] = [];
  let failures = 0;
  let writeFailures = 0;
  let peakMB: number | null = null;
  const started = performance.now();
  const child = spawn(process.execPath, ['--max-old-space-size=256', CLI, 'import', file], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const done = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  let running = true;
  void done.then(() => (running = false));
  const ask = async (url: string, headers: Record<string, string>, into: number[]) => {
    const t = performance.now();
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
      await res.arrayBuffer();
      if (res.status !== 200) failures += 1;
    } catch {
      failures += 1;
    }
    into.push(performance.now() - t);
  };
  const note = async () => {
    const t = performance.now();
    try {
      if ((await postForm(staff, `/cases/${dataset.writeCase.id}/notes`, { body: 'Note added during the import.' })) !== 303)
        writeFailures += 1;
    } catch {
      writeFailures += 1;
    }
    notes.push(performance.now() - t);
  };
  // The notes run beside the reads, one at a time, a second apart.
  const writing = (async () => {
    while (running) await Promise.all([note(), new Promise((r) => setTimeout(r, 1000))]);
  })();
  while (running) {
    const hwm = memoryOf(child.pid).peakMB;
    if (hwm !== null) peakMB = Math.max(peakMB ?? 0, hwm);
    await Promise.all([
      ask(`${server.url}/healthz`, {}, health),
      ask(`${server.url}/cases`, { Cookie: cookie }, page),
      new Promise((r) => setTimeout(r, 100)),
    ]);
  }
  await writing;
  const code = await done;
  const seconds = (performance.now() - started) / 1000;
  fs.rmSync(file, { force: true });
  const p = (list: number[], q: number) => {
    const sorted = [...list].sort((a, b) => a - b);
    return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : 0;
  };
  const result = {
    rows,
    seconds,
    exitCode: code,
    peakRssMB: peakMB,
    healthP99: p(health, 0.99),
    healthMax: p(health, 1),
    pageP99: p(page, 0.99),
    pageMax: p(page, 1),
    asked: health.length + page.length,
    failures,
    writeP99: p(notes, 0.99),
    writeMax: p(notes, 1),
    writes: notes.length,
    writeFailures,
    output: output.trim().split('\n').slice(-1)[0] ?? '',
  };
  say(
    `  ${fmt(rows)} rows in ${fmt(seconds, 1)} s (exit ${code}), peak ${peakMB ?? '?'} MB; /healthz p99 ${fmt(result.healthP99)} ms, /cases p99 ${fmt(result.pageP99)} ms, ${failures} failures; notes worst ${fmt(result.writeMax)} ms, ${writeFailures} of ${notes.length} failed; ${result.output}`,
  );
  return result;
}
