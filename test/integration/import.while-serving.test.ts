import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parseReportFilters, dashboardFigures } from '../../server/services/report.service';
import { importFile } from '../bench/import-file';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { ZONE, makeCase, postForm, staffAgent } from '../helpers/engagements';
import { databaseUrlOf, runCli, tempDir } from '../helpers/importing-cli';

// The import of a large file (here 2,000 rows, so that CI stays quick; the benchmark runs a larger
// one) while the app serves: the app keeps answering, and the import is seen all at once when it
// commits, never half-written. How fast both are is the benchmark's to measure.
const ROWS = 2_000;

describeEachEngine('An import run by the CLI while the app serves', (ctx) => {
  const { app, config } = testApp();
  const filters = parseReportFilters({}, ZONE).filters;
  const delivered = async () => (await dashboardFigures(filters, { responseTargetBusinessDays: 5 })).headline.engagements;

  it(`import of ${ROWS.toLocaleString('en-US')} rows, while /healthz and the dashboard figures are asked again and again, answers every health check with 200, saves every note staff add meanwhile, and shows either none of the file or all of it`, async function () {
    this.timeout(300_000);
    const dir = tempDir();
    const file = path.join(dir, 'large.csv');
    fs.writeFileSync(file, importFile(ROWS, `serving${Date.now().toString(36)}`));
    const before = await delivered();
    const director = await makeUser({ role: 'director' });
    const lead = await makeUser({ role: 'consultant' });
    const caseId = (await makeCase(config, { lead, director })).id;
    const staff = await staffAgent(app, director);
    const notesBefore = await ctx.db.knex('case_notes').where({ case_id: caseId }).count({ n: '*' });

    let running = true;
    const importing = runCli(['import', file], { DATABASE_URL: databaseUrlOf(ctx.db), DATA_DIR: dir }).finally(() => (running = false));
    const health: number[] = [];
    const notes: number[] = [];
    const seen = new Set<number>();
    while (running) {
      const res = await request(app).get('/healthz');
      health.push(res.status);
      seen.add(await delivered());
      // A write of the app's own between the import's reads and its writes (on SQLite, one
      // writer at a time) must neither fail the import nor be lost.
      notes.push((await postForm(staff, `/cases/${caseId}/notes`, { body: `Note ${notes.length + 1} during the import.` })).status);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const run = await importing;
    assert.equal(run.code, 0, run.stderr);
    assert.ok(notes.length >= 3, `only ${notes.length} notes while the import ran`);
    assert.deepStrictEqual([...new Set(notes)], [303]);
    const [{ n: notesAfter }] = await ctx.db.knex('case_notes').where({ case_id: caseId }).count({ n: '*' });
    assert.equal(Number(notesAfter), Number(notesBefore[0].n) + notes.length);
    assert.match(run.stdout, new RegExp(`Imported ${ROWS / 5} cases and ${ROWS} engagements`));

    // The app was asked while the import ran, and answered each time.
    assert.ok(health.length >= 3, `only ${health.length} health checks while the import ran`);
    assert.deepStrictEqual([...new Set(health)], [200]);
    // Every row of the file is a delivered engagement: the figures moved in one step, from none of it to all of it.
    const after = await delivered();
    assert.equal(after, before + ROWS);
    for (const n of seen)
      assert.ok(
        n === before || n === after,
        `the dashboard counted ${n} delivered engagements during the import (before ${before}, after ${after})`,
      );
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
