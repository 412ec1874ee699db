import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { dashboardFigures, hoursOf, parseReportFilters } from '../../server/services/report.service';
import { testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { mixedFile } from '../helpers/importing-mixed';
import { databaseUrlOf, runCli, tempDir } from '../helpers/importing-cli';
import { toCsv, uniqueTag } from '../helpers/importing-csv';
import { readDashboard } from '../helpers/reports-pages';

describeEachEngine('Import from the command line, then the dashboard', (ctx) => {
  const dir = tempDir();
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('dashboardFigures and GET /dashboard, after a command-line import, count the imported delivered engagements and none of the scheduled or cancelled ones', async function () {
    this.timeout(60_000);
    const director = await makeUser({ role: 'director' });
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const file = path.join(dir, 'history.csv');
    fs.writeFileSync(file, toCsv(mixed.good));
    const { filters } = parseReportFilters({}, 'America/New_York');
    const config = { responseTargetBusinessDays: 5 };
    const empty = await dashboardFigures(filters, config);
    assert.equal(empty.headline.engagements, 0, 'this database starts without engagements');

    const run = await runCli(['import', file], { DATABASE_URL: databaseUrlOf(ctx.db), DATA_DIR: dir });
    assert.equal(run.code, 0, run.stderr);

    // What the file says, counted by the definitions of PRODUCT.md.
    const all = mixed.cases.flatMap((c) => c.engagements);
    const delivered = all.filter((e) => e.status === 'delivered');
    const served = new Map<string, { first: string; last: string; engagements: number; minutes: number; participants: number }>();
    for (const e of delivered) {
      for (const code of e.jurisdictions) {
        const s = served.get(code) ?? { first: e.date, last: e.date, engagements: 0, minutes: 0, participants: 0 };
        s.first = e.date < s.first ? e.date : s.first;
        s.last = e.date > s.last ? e.date : s.last;
        s.engagements += 1;
        s.minutes += e.minutes;
        s.participants += e.participants;
        served.set(code, s);
      }
    }
    const listedOnlyByOthers = [...new Set(all.filter((e) => e.status !== 'delivered').flatMap((e) => e.jurisdictions))].filter(
      (c) => !served.has(c),
    );
    assert.deepStrictEqual(
      listedOnlyByOthers.sort(),
      ['MT', 'NV', 'TN'],
      'the file lists states only in scheduled or cancelled engagements',
    );

    const figures = await dashboardFigures(filters, config);
    assert.equal(figures.headline.engagements, delivered.length);
    assert.equal(figures.headline.hours, hoursOf(delivered.reduce((n, e) => n + e.minutes, 0)));
    assert.equal(
      figures.headline.participants,
      delivered.reduce((n, e) => n + e.participants, 0),
    );
    assert.equal(figures.headline.statesServed, served.size);
    for (const s of figures.states) {
      const want = served.get(s.code);
      if (!want) {
        assert.ok(!s.served, `${s.code} is not served`);
        continue;
      }
      assert.deepStrictEqual(
        {
          first: s.served && s.served.first_served,
          last: s.served && s.served.last_served,
          engagements: s.served && s.served.engagements,
          hours: s.served && s.served.hours,
          participants: s.served && s.served.participants,
        },
        {
          first: want.first,
          last: want.last,
          engagements: want.engagements,
          hours: hoursOf(want.minutes),
          participants: want.participants,
        },
        s.code,
      );
    }
    const y2018 = figures.years.find((y) => y.year === 2018);
    assert.equal(y2018?.engagements, delivered.filter((e) => e.date.startsWith('2018')).length);
    assert.equal(y2018?.newly, served.size, 'every state was first served in 2018');

    const { app } = testApp();
    const agent = await signInAs(app, director);
    const res = await agent.get('/dashboard');
    assert.equal(res.status, 200);
    const shown = readDashboard(res.text);
    assert.deepStrictEqual(
      { statesServed: shown.statesServed, engagements: shown.engagements, hours: shown.hours, participants: shown.participants },
      {
        statesServed: served.size,
        engagements: delivered.length,
        hours: figures.headline.hours,
        participants: figures.headline.participants,
      },
    );
    for (const code of listedOnlyByOthers)
      assert.equal(shown.rows.find((r) => r.code === code)?.served, false, `${code} is shown as not served`);
    for (const [code, want] of served)
      assert.equal(shown.rows.find((r) => r.code === code)?.engagements, want.engagements, `${code} on the page`);
  });
});
