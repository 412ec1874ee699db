import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { createEngagement } from '../../server/services/engagement.service';
import { testApp } from '../helpers/app';
import { Agent, makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { ZONE, makeCase } from '../helpers/engagements';
import { csvBody } from '../helpers/reports-pages';

const HYPERLINK = '=HYPERLINK("http://evil.example","Click")';
const FORMULA_START = /^[=+\-@\t\r]/;

describeEachEngine('CSV exports opened in Excel', (t) => {
  let agent: Agent;
  const files: Record<string, string[][]> = {};

  before(async () => {
    const { app, config } = testApp();
    const director = await makeUser({ role: 'director' });
    const consultant = await makeUser({ role: 'consultant', name: '=1+1 Consultant' });
    const kase = await makeCase(config, { lead: consultant, director, title: HYPERLINK });
    // Values no form lets through (a leading tab or carriage return) are written straight in.
    await t.db
      .knex('cases')
      .where({ id: kase.id })
      .update({ requester_name: '+Dana Whitfield', organization_name: '@SUM(A1:A9)', submitted_at: '2026-11-20T14:05:00.000Z' });
    const other = await makeCase(config, { lead: consultant, director, title: 'Ordinary title' });
    await t.db
      .knex('cases')
      .where({ id: other.id })
      .update({ requester_name: '\tTabbed', organization_name: '\rReturned', submitted_at: '2026-11-21T00:08:00.000Z' });
    await createEngagement(
      kase.id,
      {
        status: 'delivered',
        date: '2026-11-23',
        start_time: '10:00',
        duration_minutes: 90,
        format: 'small_group',
        consultant_ids: [consultant.id],
        participant_count: 4,
        jurisdictions: ['OH', 'PR'],
        topics: ['equity-lens'],
        summary: 'Met the board.',
      },
      { id: director.id, role: 'director' },
      { timeZone: ZONE, now: new Date('2026-11-30T12:00:00Z') },
    );
    agent = await signInAs(app, director);
    for (const name of ['cases', 'engagements', 'coverage']) {
      const res = await agent.get(`/reports/${name}.csv?from=2026-01-01&to=2026-12-31`);
      assert.equal(res.status, 200, name);
      const text = csvBody(res);
      assert.ok(text.startsWith('\ufeff'), `${name}.csv starts with the byte-order mark`);
      files[name] = parse(text.slice(1));
    }
  });

  it('GET /reports/*.csv, with text starting with =, +, -, @, a tab or a carriage return, prefixes every such cell with an apostrophe', () => {
    let cells = 0;
    for (const [name, rows] of Object.entries(files)) {
      for (const row of rows) {
        for (const cell of row) {
          cells += 1;
          assert.ok(!FORMULA_START.test(cell), `${name}.csv has a cell that Excel would run: ${JSON.stringify(cell)}`);
        }
      }
    }
    assert.ok(cells > 50, `only ${cells} cells read`);
  });

  it('GET /reports/cases.csv, for a request titled with a HYPERLINK formula, shows the title as text behind an apostrophe', () => {
    const [header, ...rows] = files.cases;
    const row = rows.find((r) => r[header.indexOf('Title')] === `'${HYPERLINK}`);
    assert.ok(row, 'the title is exported as text');
    assert.equal(row[header.indexOf('Requester')], "'+Dana Whitfield");
    assert.equal(row[header.indexOf('Organization')], "'@SUM(A1:A9)");
    const tabbed = rows.find((r) => r[header.indexOf('Title')] === 'Ordinary title');
    assert.equal(tabbed?.[header.indexOf('Requester')], "'\tTabbed");
    assert.equal(tabbed?.[header.indexOf('Organization')], "'\rReturned");
  });

  it('GET /reports/cases.csv, for times kept in UTC, writes them in the program time zone as YYYY-MM-DD HH:MM with no Z', () => {
    const [header, ...rows] = files.cases;
    const submitted = header.findIndex((h) => h.startsWith('Submitted'));
    assert.equal(header[submitted], `Submitted (${ZONE})`);
    const times = rows.map((r) => r[submitted]).sort();
    // 14:05 UTC is 09:05 in New York; 00:08 UTC on the 21st is still the 20th there.
    assert.deepEqual(times, ['2026-11-20 09:05', '2026-11-20 19:08']);
    assert.ok(!files.cases.flat().some((c) => /\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/.test(c)), 'no ISO UTC time anywhere');
    const first = rows.find((r) => r[header.indexOf('Title')] === `'${HYPERLINK}`)?.[
      header.findIndex((h) => h.startsWith('First delivered engagement'))
    ];
    assert.equal(first, '2026-11-23 10:00');
  });

  it('GET /reports/engagements.csv and coverage.csv, for codes kept in the database, write words in headers and values', () => {
    const [eh, ...erows] = files.engagements;
    assert.deepEqual(eh.slice(0, 3), ['Engagement', 'Case reference', 'Program']);
    assert.equal(erows.length, 1);
    assert.equal(erows[0][eh.indexOf('Program')], 'Technical Assistance');
    assert.equal(erows[0][eh.indexOf('Format')], 'Small-group facilitation');
    assert.equal(erows[0][eh.indexOf('Status')], 'Delivered');
    assert.equal(erows[0][eh.indexOf('Consultants')], "'=1+1 Consultant");
    const [ch, ...crows] = files.coverage;
    const pr = crows.find((r) => r[0] === 'PR');
    assert.equal(pr?.[ch.indexOf('Kind')], 'Territory');
    assert.equal(pr?.[ch.indexOf('Served')], 'Yes');
    const [casesHeader, ...caseRows] = files.cases;
    assert.ok(caseRows.every((r) => r[casesHeader.indexOf('Source')] === 'API'));
    assert.ok(caseRows.every((r) => r[casesHeader.indexOf('Status')] === 'In progress' || r[casesHeader.indexOf('Status')] === 'Assigned'));
  });
});
