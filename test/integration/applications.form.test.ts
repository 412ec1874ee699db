import assert from 'node:assert/strict';
import request from 'supertest';
import { hashToken, openToken } from '../../server/services/tokens';
import { encodeForm, formAgent, testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { escapeHtml, hasId, messageNextTo, shownValue, summaryLinks } from '../helpers/html';
import { Fields, daysFromToday } from '../helpers/programs';
import { makeCohort } from '../helpers/programs-cohorts';
import { applicationForm, applyTo, decideAs, scoreAs } from '../helpers/programs-applications';
import { programState } from '../helpers/programs-state';

const TOKEN_LINK = /^\/applications\/([A-Za-z0-9_-]{43})\?received=1$/;

describeEachEngine('Cohort applications: the public form and the status page', (ctx) => {
  const { app, config } = testApp();

  /** Fetches the form (for its cookie and CSRF token) and posts `fields` as a browser does. */
  async function postApplication(cohortId: number, fields: Fields) {
    const { agent, token } = await formAgent(app, `/cohorts/${cohortId}/apply`);
    return agent
      .post(`/cohorts/${cohortId}/apply`)
      .type('form')
      .send(encodeForm({ ...fields, _csrf: token }));
  }

  it('GET /cohorts/:id/apply, while the window is open, shows the form with a CSRF token, a fresh submission key, the honeypot and the meetings', async () => {
    const cohort = await makeCohort(ctx.db.knex, { meetings: [{ date: daysFromToday(20), mode: 'in_person', place: 'Denver, Colorado' }] });
    const first = await request(app).get(`/cohorts/${cohort.id}/apply`);
    const second = await request(app).get(`/cohorts/${cohort.id}/apply`);
    assert.equal(first.status, 200);
    assert.match(first.text, /name="_csrf" value="[^"]{20,}"/);
    const key = /name="idempotency_key" value="([A-Za-z0-9_-]{20,})"/.exec(first.text)?.[1];
    assert.ok(key && !second.text.includes(key), 'each form gets its own submission key');
    assert.ok(hasId(first.text, 'field-website'), 'the honeypot is on the form');
    for (const field of [
      'name',
      'email',
      'jurisdiction',
      'board_role',
      'years_on_board',
      'equity_commitment',
      'race_culture_openness',
      'leadership',
    ])
      assert.ok(hasId(first.text, `field-${field}`), field);
    assert.ok(first.text.includes('Denver, Colorado'), 'the meetings are listed');
  });

  for (const [when, form, says] of [
    [
      'after the window closed',
      { opens_on: daysFromToday(-30), closes_on: daysFromToday(-1) },
      /closed at the end of [A-Z][a-z]+ \d{1,2}, \d{4}/,
    ],
    ['before the window opens', { opens_on: daysFromToday(2), closes_on: daysFromToday(20) }, /open on [A-Z][a-z]+ \d{1,2}, \d{4}/],
  ] as const) {
    it(`GET /cohorts/:id/apply, ${when}, says applications are closed and shows no form`, async () => {
      const cohort = await makeCohort(ctx.db.knex, { form });
      const res = await request(app).get(`/cohorts/${cohort.id}/apply`);
      assert.equal(res.status, 200);
      assert.match(res.text, /Applications are closed/);
      assert.match(res.text, says);
      assert.ok(!hasId(res.text, 'field-name') && !res.text.includes(`action="/cohorts/${cohort.id}/apply"`), 'no form is shown');
    });

    it(`POST /cohorts/:id/apply, ${when}, answers 409 and stores nothing`, async () => {
      const cohort = await makeCohort(ctx.db.knex, { form });
      const { agent, token } = await formAgent(app, '/requests/new');
      const before = await programState(ctx.db.knex);
      const res = await agent
        .post(`/cohorts/${cohort.id}/apply`)
        .type('form')
        .send(encodeForm({ ...applicationForm(), _csrf: token }));
      assert.equal(res.status, 409);
      assert.match(res.text, says);
      assert.equal(await programState(ctx.db.knex), before);
    });
  }

  it('POST /cohorts/:id/apply, with every field valid, stores the application with only the hash of its token and redirects 303 to /applications/:token', async () => {
    const cohort = await makeCohort(ctx.db.knex);
    const form = applicationForm({ name: 'Jordan Lee', email: 'Jordan.Lee@Board.example.gov', jurisdiction: 'KY', years_on_board: '0' });
    const res = await postApplication(cohort.id, form);
    assert.equal(res.status, 303, res.text.slice(0, 2000));
    const token = TOKEN_LINK.exec(res.headers.location)?.[1];
    assert.ok(token, res.headers.location);
    const row = await ctx.db.knex('applications').where({ idempotency_key: form.idempotency_key }).first();
    assert.deepEqual(
      [
        Number(row.cohort_id),
        row.name,
        row.email,
        row.jurisdiction_code,
        row.board_role,
        Number(row.years_on_board),
        row.equity_commitment,
        row.race_culture_openness,
        row.leadership,
        row.decision,
      ],
      [
        cohort.id,
        'Jordan Lee',
        'jordan.lee@board.example.gov',
        'KY',
        form.board_role,
        0,
        form.equity_commitment,
        form.race_culture_openness,
        form.leadership,
        null,
      ],
    );
    assert.equal(row.status_token_hash, hashToken(token));
    assert.ok(!JSON.stringify(row).includes(token), 'the token itself is not stored');
    assert.equal(openToken(config.secret, row.status_token_enc), token, 'the sealed copy opens to the token');

    const page = await request(app).get(res.headers.location);
    assert.equal(page.status, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    assert.match(page.text, /your application has been received/);
    assert.match(page.text, /Status: Under review/);
    assert.ok(page.text.includes(escapeHtml(String(form.leadership))));
  });

  const invalid: { name: string; fields: Fields; field: string; message: RegExp }[] = [
    { name: 'no name', fields: { name: '' }, field: 'name', message: /Enter your name/ },
    {
      name: 'an e-mail address without a domain',
      fields: { email: 'rosa@' },
      field: 'email',
      message: /e-mail address in the correct format/,
    },
    {
      name: 'an unknown jurisdiction',
      fields: { jurisdiction: 'ZZ' },
      field: 'jurisdiction',
      message: /Choose your state or jurisdiction from the list/,
    },
    { name: 'no board role', fields: { board_role: ' ' }, field: 'board_role', message: /Enter your role on the board/ },
    { name: 'years on the board in words', fields: { years_on_board: 'four' }, field: 'years_on_board', message: /must be a whole number/ },
    { name: 'negative years on the board', fields: { years_on_board: '-1' }, field: 'years_on_board', message: /between 0 and 60/ },
    { name: '61 years on the board', fields: { years_on_board: '61' }, field: 'years_on_board', message: /between 0 and 60/ },
    {
      name: 'no answer on equity',
      fields: { equity_commitment: '' },
      field: 'equity_commitment',
      message: /Enter your commitment to equity/,
    },
    {
      name: 'no answer on race and culture',
      fields: { race_culture_openness: '\n ' },
      field: 'race_culture_openness',
      message: /Enter your openness/,
    },
    {
      name: 'an answer on leadership over 5,000 characters',
      fields: { leadership: 'x'.repeat(5001) },
      field: 'leadership',
      message: /5,000 characters or fewer/,
    },
  ];
  for (const c of invalid) {
    it(`POST /cohorts/:id/apply, with ${c.name}, answers 422 with the message at ${c.field}, keeps every value and stores nothing`, async () => {
      const cohort = await makeCohort(ctx.db.knex);
      const form = applicationForm(c.fields);
      const before = await programState(ctx.db.knex);
      const res = await postApplication(cohort.id, form);
      assert.equal(res.status, 422);
      assert.match(messageNextTo(res.text, c.field) ?? '', c.message);
      assert.deepEqual(summaryLinks(res.text), [c.field]);
      for (const [name, value] of Object.entries(form)) {
        if (name === 'idempotency_key')
          assert.ok(res.text.includes(`name="idempotency_key" value="${value}"`), 'the submission key is kept');
        else if (!(name === 'jurisdiction' && value === 'ZZ'))
          assert.equal(shownValue(res.text, name), value, `${name} keeps what was typed`);
      }
      assert.equal(await programState(ctx.db.knex), before);
    });
  }

  it('POST /cohorts/:id/apply, with every field empty, answers 422 naming each required field in the error summary and stores nothing', async () => {
    const cohort = await makeCohort(ctx.db.knex);
    const before = await programState(ctx.db.knex);
    const res = await postApplication(cohort.id, {});
    assert.equal(res.status, 422);
    assert.deepEqual(summaryLinks(res.text), [
      'name',
      'email',
      'jurisdiction',
      'board_role',
      'years_on_board',
      'equity_commitment',
      'race_culture_openness',
      'leadership',
    ]);
    assert.equal(await programState(ctx.db.knex), before);
  });

  it('POST /cohorts/:id/apply, with the honeypot filled in, stores nothing and redirects 303 to the neutral thank-you page', async () => {
    const cohort = await makeCohort(ctx.db.knex);
    const before = await programState(ctx.db.knex);
    const res = await postApplication(cohort.id, applicationForm({ website: 'http://spam.example' }));
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/requests/received');
    assert.equal(await programState(ctx.db.knex), before);
  });

  it('POST /cohorts/:id/apply, twice with the same submission key, stores one application and answers both with the same status link', async () => {
    const cohort = await makeCohort(ctx.db.knex);
    const form = applicationForm();
    const first = await postApplication(cohort.id, form);
    const second = await postApplication(cohort.id, form);
    assert.equal(first.status, 303);
    assert.equal(second.headers.location, first.headers.location);
    const [{ n }] = await ctx.db.knex('applications').where({ email: form.email }).count({ n: '*' });
    assert.equal(Number(n), 1);
  });

  it('POST /cohorts/:id/apply, a second time from the same e-mail address, answers 422 at the e-mail and stores nothing', async () => {
    const cohort = await makeCohort(ctx.db.knex);
    const form = applicationForm();
    assert.equal((await postApplication(cohort.id, form)).status, 303);
    const before = await programState(ctx.db.knex);
    const again = await postApplication(cohort.id, applicationForm({ email: String(form.email).toUpperCase(), name: 'Someone else' }));
    assert.equal(again.status, 422);
    assert.match(messageNextTo(again.text, 'email') ?? '', /already been received for this cohort/);
    assert.equal(await programState(ctx.db.knex), before);
  });

  it('POST /cohorts/:id/apply, without a CSRF token, answers 403 and stores nothing', async () => {
    const cohort = await makeCohort(ctx.db.knex);
    const before = await programState(ctx.db.knex);
    const res = await request(app).post(`/cohorts/${cohort.id}/apply`).type('form').send(encodeForm(applicationForm()));
    assert.equal(res.status, 403);
    assert.equal(await programState(ctx.db.knex), before);
  });

  it('POST /cohorts/:id/apply, past the intake rate limit, answers 429 and stores nothing', async () => {
    // On PostgreSQL the counters are shared by every app on the database (as by instances): start at zero.
    await ctx.db.knex('rate_limits').del();
    const limited = testApp({ INTAKE_RATE_LIMIT: '1' }).app;
    const cohort = await makeCohort(ctx.db.knex);
    const { agent, token } = await formAgent(limited, `/cohorts/${cohort.id}/apply`);
    const post = (fields: Fields) =>
      agent
        .post(`/cohorts/${cohort.id}/apply`)
        .type('form')
        .send(encodeForm({ ...fields, _csrf: token }));
    assert.equal((await post(applicationForm())).status, 303);
    const before = await programState(ctx.db.knex);
    assert.equal((await post(applicationForm())).status, 429);
    assert.equal(await programState(ctx.db.knex), before);
  });

  it('GET and POST /cohorts/:id/apply, for a cohort that does not exist, answer 404', async () => {
    const { agent, token } = await formAgent(app, '/requests/new');
    assert.equal((await request(app).get('/cohorts/987654/apply')).status, 404);
    assert.equal(
      (
        await agent
          .post('/cohorts/987654/apply')
          .type('form')
          .send(encodeForm({ ...applicationForm(), _csrf: token }))
      ).status,
      404,
    );
  });

  it('GET /applications/:token, with an unknown or malformed token, answers 404', async () => {
    for (const token of ['A'.repeat(43), 'short', 'not%20a%20token'])
      assert.equal((await request(app).get(`/applications/${token}`)).status, 404, token);
  });

  it('GET /applications/:token, once decided, shows the decision in words, the meetings to the selected, and never any score or comment', async () => {
    const director = await makeUser({ role: 'director' });
    const cohort = await makeCohort(ctx.db.knex, {
      director,
      meetings: [{ date: daysFromToday(15), mode: 'in_person', place: 'Boston, Massachusetts' }],
    });
    const chosen = await applyTo(cohort.id);
    const waiting = await applyTo(cohort.id);
    const refused = await applyTo(cohort.id);
    for (const a of [chosen, waiting, refused]) await scoreAs(director, a.id, [4, 4, 4], 'MARKER-COMMENT-7731');
    await decideAs(director, cohort.id, chosen.id, 'selected');
    await decideAs(director, cohort.id, waiting.id, 'waitlisted');
    await decideAs(director, cohort.id, refused.id, 'not_selected');
    const expected = [
      [chosen, /Status: Selected/, true],
      [waiting, /Status: Waitlisted/, false],
      [refused, /Status: Not selected/, false],
    ] as const;
    for (const [a, status, meetings] of expected) {
      const page = await request(app).get(a.statusPath);
      assert.equal(page.status, 200);
      assert.match(page.text, status);
      assert.equal(page.text.includes('Boston, Massachusetts'), meetings, 'only the selected see the meetings');
      assert.ok(!page.text.includes('MARKER-COMMENT-7731') && !/out of 5/.test(page.text), 'no review is shown to the applicant');
    }
  });
});
