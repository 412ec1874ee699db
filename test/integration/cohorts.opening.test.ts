import assert from 'node:assert/strict';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { escapeHtml, shownValue } from '../helpers/html';
import { client, daysFromToday, today, unique } from '../helpers/programs';
import { cohortForm } from '../helpers/programs-cohorts';
import { listedJurisdictions } from '../helpers/programs-state';

describeEachEngine('Cohorts: opening and editing', (ctx) => {
  const { app } = testApp();

  it('GET /cohorts/new, for a director, shows the form with this year, a 30-day window and four meeting slots', async () => {
    const d = await client(app, await makeUser({ role: 'director' }));
    const res = await d.get('/cohorts/new');
    assert.equal(res.status, 200);
    assert.equal(shownValue(res.text, 'year'), today().slice(0, 4));
    assert.equal(shownValue(res.text, 'opens_on'), today());
    assert.equal(shownValue(res.text, 'closes_on'), daysFromToday(30));
    for (const n of [1, 2, 3, 4])
      assert.equal(shownValue(res.text, `meeting_${n}_duration_minutes`), '90', `meeting ${n} has a default length`);
    assert.match(res.text, /name="_csrf" value="[^"]+"/);
  });

  it('POST /cohorts, with a valid form and two meetings, stores the cohort, opens its assigned cohort-track case with a scheduled engagement a meeting, and redirects 303 to the cohort page', async () => {
    const director = await makeUser({ role: 'director' });
    const d = await client(app, director);
    const form = cohortForm({ name: unique('Spring cohort') }, [
      { date: daysFromToday(20), start_time: '13:00', duration_minutes: 120, mode: 'virtual', place: 'Zoom' },
      { date: daysFromToday(40), duration_minutes: 360, mode: 'in_person', place: 'Alexandria, Virginia' },
    ]);
    const res = await d.post('/cohorts', form);
    assert.equal(res.status, 303, res.text.slice(0, 2000));
    const cohort = await ctx.db.knex('cohorts').where({ name: form.name }).first();
    assert.ok(cohort);
    assert.equal(res.headers.location, `/cohorts/${cohort.id}?saved=1`);
    assert.deepEqual([Number(cohort.year), cohort.opens_on, cohort.closes_on], [Number(form.year), form.opens_on, form.closes_on]);

    const kase = await ctx.db.knex('cases').where({ id: cohort.case_id }).first();
    assert.deepEqual(
      {
        track: kase.track,
        source: kase.source,
        status: kase.status,
        jurisdiction: kase.jurisdiction_code,
        lead: Number(kase.lead_consultant_id),
        email: kase.requester_email,
        title: kase.title,
      },
      {
        track: 'cohort',
        source: 'staff',
        status: 'assigned',
        jurisdiction: 'DC',
        lead: director.id,
        email: director.email,
        title: `National Cohort ${form.year}: ${form.name}`,
      },
    );
    assert.match(kase.reference, /^TA-\d{4}-\d{4}$/);

    const meetings = await ctx.db
      .knex('cohort_meetings as m')
      .join('engagements as e', 'e.id', 'm.engagement_id')
      .where('m.cohort_id', cohort.id)
      .orderBy('m.number')
      .select('m.*', 'e.case_id', 'e.date', 'e.start_time', 'e.duration_minutes', 'e.status', 'e.participant_count', 'e.format', 'e.year');
    assert.deepEqual(
      meetings.map((m: Record<string, unknown>) => [
        Number(m.number),
        Number(m.case_id),
        m.date,
        m.start_time,
        Number(m.duration_minutes),
        m.status,
        Number(m.participant_count),
        m.format,
        m.mode,
        m.place,
      ]),
      [
        [1, Number(cohort.case_id), form.meeting_1_date, '13:00', 120, 'scheduled', 0, 'small_group', 'virtual', 'Zoom'],
        [2, Number(cohort.case_id), form.meeting_2_date, null, 360, 'scheduled', 0, 'small_group', 'in_person', 'Alexandria, Virginia'],
      ],
    );
    for (const m of meetings) {
      assert.deepEqual(await listedJurisdictions(ctx.db.knex, Number(m.engagement_id)), [], 'nobody has attended a scheduled meeting yet');
      const facilitators = await ctx.db.knex('engagement_consultants').where({ engagement_id: m.engagement_id }).select('user_id');
      assert.deepEqual(
        facilitators.map((f: { user_id: unknown }) => Number(f.user_id)),
        [director.id],
      );
    }
    const events = await ctx.db.knex('case_events').where({ case_id: cohort.case_id }).orderBy('id').select('kind', 'actor_user_id');
    assert.deepEqual(
      events.map((e: { kind: string }) => e.kind),
      ['case.created', 'engagement.added', 'engagement.added'],
    );
    assert.ok(events.every((e: { actor_user_id: unknown }) => Number(e.actor_user_id) === director.id));

    const page = await d.get(res.headers.location);
    assert.equal(page.status, 200);
    assert.ok(page.text.includes(escapeHtml(String(form.name))));
    assert.ok(page.text.includes(`/cohorts/${cohort.id}/apply`), 'the page gives the application form address');
    const casePage = await d.get(`/cases/${cohort.case_id}`);
    assert.equal(casePage.status, 200);
    assert.match(casePage.text, /<span class="usa-tag">National Cohort<\/span>/);
    assert.equal((casePage.text.match(/\/engagements\/\d+\/edit/g) ?? []).length, 2, 'the case page lists both meetings');
  });

  it('POST /cohorts, sent twice with the same submission key, opens one cohort and answers both with its page', async () => {
    const d = await client(app, await makeUser({ role: 'director' }));
    const form = cohortForm({ idempotency_key: 'cohort-form-key-0001' });
    const first = await d.post('/cohorts', form);
    const second = await d.post('/cohorts', form);
    assert.equal(first.status, 303);
    assert.deepEqual([second.status, second.headers.location], [303, first.headers.location]);
    const [{ n }] = await ctx.db.knex('cohorts').where({ name: form.name }).count({ n: '*' });
    assert.equal(Number(n), 1);
    assert.match((await d.get('/cohorts/new')).text, /name="idempotency_key" value="[A-Za-z0-9_-]{40,}"/, 'the form carries a fresh key');
  });
});
