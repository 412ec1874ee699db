import assert from 'node:assert/strict';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { messageNextTo, shownValue, summaryLinks } from '../helpers/html';
import { Fields, client, daysFromToday } from '../helpers/programs';
import { cohortForm, makeCohort } from '../helpers/programs-cohorts';
import { programState } from '../helpers/programs-state';

describeEachEngine('Cohorts: opening and editing', (ctx) => {
  const { app } = testApp();

  const invalid: { name: string; fields: Fields; field: string; message: RegExp }[] = [
    { name: 'a year that is not a number', fields: { year: 'next' }, field: 'year', message: /Year must be a whole number/ },
    { name: 'a year before the program', fields: { year: '2016' }, field: 'year', message: /Year must be between 2017/ },
    { name: 'no name', fields: { name: '   ' }, field: 'name', message: /Enter name of the cohort/ },
    { name: 'an opening date that is not a date', fields: { opens_on: '2027-02-30' }, field: 'opens_on', message: /must be a real date/ },
    {
      name: 'a window that closes before it opens',
      fields: { opens_on: daysFromToday(5), closes_on: daysFromToday(2) },
      field: 'closes_on',
      message: /on or after the date they open/,
    },
    {
      name: 'an in-person meeting without a place',
      fields: { meeting_1_mode: 'in_person', meeting_1_place: '' },
      field: 'meeting_1_place',
      message: /in-person meeting needs one/,
    },
    {
      name: 'a meeting place without a date',
      fields: { meeting_2_place: 'Denver' },
      field: 'meeting_2_date',
      message: /Enter meeting 2's date/,
    },
    {
      name: 'a meeting of 700 minutes',
      fields: { meeting_1_duration_minutes: '700' },
      field: 'meeting_1_duration_minutes',
      message: /between 5 and 600/,
    },
    {
      name: 'a meeting neither virtual nor in person',
      fields: { meeting_1_mode: 'by-post' },
      field: 'meeting_1_mode',
      message: /virtual or in person from the list/,
    },
    {
      name: 'a meeting dated without saying how it is held',
      fields: { meeting_1_mode: '' },
      field: 'meeting_1_mode',
      message: /Choose whether meeting 1 is virtual or in person/,
    },
    {
      name: 'a start time of 25:00',
      fields: { meeting_1_start_time: '25:00' },
      field: 'meeting_1_start_time',
      message: /meeting 1's start time/,
    },
  ];
  for (const c of invalid) {
    it(`POST /cohorts, with ${c.name}, answers 422 with the message at ${c.field}, keeps every value and stores nothing`, async () => {
      const d = await client(app, await makeUser({ role: 'director' }));
      const form = cohortForm(c.fields);
      const before = await programState(ctx.db.knex);
      const res = await d.post('/cohorts', form);
      assert.equal(res.status, 422);
      assert.match(res.text, /<title>Error: /);
      assert.match(messageNextTo(res.text, c.field) ?? '', c.message);
      assert.ok(summaryLinks(res.text).includes(c.field), 'the error summary links to the field');
      for (const [name, value] of Object.entries(form)) {
        // A choice that is not on the list cannot be shown as chosen.
        if (name.endsWith('_mode') && !['', 'virtual', 'in_person'].includes(String(value))) continue;
        assert.equal(shownValue(res.text, name) ?? '', value, `${name} keeps what was typed`);
      }
      assert.equal(await programState(ctx.db.knex), before);
    });
  }

  it('POST /cohorts, with a name already used that year, answers 422 at the name and stores nothing', async () => {
    const director = await makeUser({ role: 'director' });
    const first = await makeCohort(ctx.db.knex, { director });
    const d = await client(app, director);
    const before = await programState(ctx.db.knex);
    const res = await d.post('/cohorts', cohortForm({ name: first.name }));
    assert.equal(res.status, 422);
    assert.match(messageNextTo(res.text, 'name') ?? '', /already a cohort named/);
    assert.equal(await programState(ctx.db.knex), before);
  });
});
