import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { checkedValues, messageNextTo, shownValue, summaryLinks } from '../helpers/html';
import { Fields, client } from '../helpers/programs';
import { makeTeam } from '../helpers/programs-network';
import { programState } from '../helpers/programs-state';

/** A team form with the members given as [name, role, organization]. */
function teamForm(jurisdiction: string, members: [string, string, string][], extra: Fields = {}): Fields {
  const form: Fields = { jurisdiction };
  members.forEach(([name, role, organization], i) => {
    form[`member_${i + 1}_name`] = name;
    form[`member_${i + 1}_role`] = role;
    form[`member_${i + 1}_organization`] = organization;
  });
  return { ...form, ...extra };
}

const trainingForm = (overrides: Fields = {}): Fields => ({
  idempotency_key: crypto.randomBytes(12).toString('base64url'),
  title: 'Equity audit training for the team',
  needs: 'Two sessions on reading the equity audit with the agency staff.',
  topics: ['data-equity-audits', 'equity-lens'],
  preferred_format: 'online_training',
  preferred_start: '2027-03-01',
  deadline: '2027-05-31',
  ...overrides,
});

describeEachEngine('State Policy Network: teams and customized training', (ctx) => {
  const { app } = testApp();

  it('POST /network/teams, with a jurisdiction and three members, stores the team and its members in order and redirects 303 to its page', async () => {
    const d = await client(app, await makeUser({ role: 'director' }));
    const res = await d.post(
      '/network/teams',
      teamForm('CO', [
        ['Ana Ruiz', 'Board chair', 'state_board'],
        ['Ben Holt', 'Deputy commissioner', 'state_agency'],
        ['Cy Dunn', "Governor's education advisor", 'other'],
      ]),
    );
    assert.equal(res.status, 303, res.text.slice(0, 2000));
    const team = await ctx.db.knex('network_teams').where({ jurisdiction_code: 'CO' }).first();
    assert.equal(res.headers.location, `/network/teams/${team.id}?saved=1`);
    const members = await ctx.db
      .knex('network_team_members')
      .where({ network_team_id: team.id })
      .orderBy('position')
      .select('position', 'name', 'role', 'organization');
    assert.deepEqual(
      members.map((m: Record<string, unknown>) => [Number(m.position), m.name, m.role, m.organization]),
      [
        [1, 'Ana Ruiz', 'Board chair', 'state_board'],
        [2, 'Ben Holt', 'Deputy commissioner', 'state_agency'],
        [3, 'Cy Dunn', "Governor's education advisor", 'other'],
      ],
    );
    const page = await d.get(res.headers.location);
    assert.match(page.text, /<h1[^>]*>Colorado team<\/h1>/);
    assert.match(page.text, /State education agency/);
  });

  const invalid: { name: string; form: Fields; field: string; message: RegExp }[] = [
    {
      name: 'no jurisdiction',
      form: teamForm('', [['Ana Ruiz', 'Chair', 'state_board']]),
      field: 'jurisdiction',
      message: /Choose state or jurisdiction/,
    },
    {
      name: 'an unknown jurisdiction',
      form: teamForm('XX', [['Ana Ruiz', 'Chair', 'state_board']]),
      field: 'jurisdiction',
      message: /from the list/,
    },
    { name: 'no member', form: teamForm('AZ', []), field: 'member_1_name', message: /Enter at least one member/ },
    {
      name: 'a member with a name only',
      form: teamForm('AZ', [
        ['Ana Ruiz', 'Chair', 'state_board'],
        ['Ben Holt', '', ''],
      ]),
      field: 'member_2_role',
      message: /Enter member 2's role/,
    },
    {
      name: 'an organization not on the list',
      form: teamForm('AZ', [['Ana Ruiz', 'Chair', 'school']]),
      field: 'member_1_organization',
      message: /Choose member 1's organization from the list/,
    },
    {
      name: 'a name over 120 characters',
      form: teamForm('AZ', [['N'.repeat(121), 'Chair', 'state_board']]),
      field: 'member_1_name',
      message: /120 characters or fewer/,
    },
  ];
  for (const c of invalid) {
    it(`POST /network/teams, with ${c.name}, answers 422 with the message at ${c.field}, keeps the values and stores nothing`, async () => {
      const d = await client(app, await makeUser({ role: 'director' }));
      const before = await programState(ctx.db.knex);
      const res = await d.post('/network/teams', c.form);
      assert.equal(res.status, 422);
      assert.match(messageNextTo(res.text, c.field) ?? '', c.message);
      assert.ok(summaryLinks(res.text).includes(c.field));
      for (const [name, value] of Object.entries(c.form)) {
        if (['XX', 'school'].includes(String(value))) continue;
        assert.equal(shownValue(res.text, name) ?? '', value, `${name} keeps what was typed`);
      }
      assert.equal(await programState(ctx.db.knex), before);
    });
  }

  it('POST /network/teams, for a state that already has a team, answers 422 at the jurisdiction and stores nothing', async () => {
    await makeTeam('UT');
    const d = await client(app, await makeUser({ role: 'director' }));
    const before = await programState(ctx.db.knex);
    const res = await d.post('/network/teams', teamForm('UT', [['Ana Ruiz', 'Chair', 'state_board']]));
    assert.equal(res.status, 422);
    assert.match(messageNextTo(res.text, 'jurisdiction') ?? '', /Utah already has a team/);
    assert.equal(await programState(ctx.db.knex), before);
  });

  it('POST /network/teams/:id, with other members, replaces the members as entered', async () => {
    const id = await makeTeam('ID', 3);
    const d = await client(app, await makeUser({ role: 'director' }));
    const edit = await d.get(`/network/teams/${id}/edit`);
    assert.equal(shownValue(edit.text, 'member_3_name'), 'Member 3 of ID', 'the form shows the members');
    const res = await d.post(`/network/teams/${id}`, teamForm('ID', [['Dee Lane', 'Member', 'state_board']]));
    assert.equal(res.status, 303);
    const members = await ctx.db.knex('network_team_members').where({ network_team_id: id }).select('name');
    assert.deepEqual(
      members.map((m: { name: string }) => m.name),
      ['Dee Lane'],
    );
  });

  it('GET /network and the team pages, for a consultant, answer 403; for a director, /network lists the teams', async () => {
    const id = await makeTeam('MT');
    const c = await client(app, await makeUser({ role: 'consultant' }));
    for (const path of ['/network', `/network/teams/${id}`, '/network/teams/new', `/network/teams/${id}/training`])
      assert.equal((await c.get(path)).status, 403, path);
    const before = await programState(ctx.db.knex);
    assert.equal((await c.post('/network/teams', teamForm('SD', [['Ana Ruiz', 'Chair', 'state_board']]))).status, 403);
    assert.equal(await programState(ctx.db.knex), before);
    const d = await client(app, await makeUser({ role: 'director' }));
    const list = await d.get('/network');
    assert.equal(list.status, 200);
    assert.ok(list.text.includes(`href="/network/teams/${id}">Montana</a>`));
    assert.equal((await d.get('/network/teams/987654')).status, 404);
  });

  it("POST /network/teams/:id/training, with a valid form, opens a new network-track case for the team's state, linked to the team, and redirects 303 to it", async () => {
    const director = await makeUser({ role: 'director' });
    const id = await makeTeam('NV');
    const d = await client(app, director);
    const form = trainingForm();
    const res = await d.post(`/network/teams/${id}/training`, form);
    assert.equal(res.status, 303, res.text.slice(0, 2000));
    const caseId = Number(/^\/cases\/(\d+)$/.exec(res.headers.location)?.[1]);
    const kase = await ctx.db.knex('cases').where({ id: caseId }).first();
    assert.deepEqual(
      [
        kase.track,
        kase.status,
        kase.source,
        kase.jurisdiction_code,
        kase.lead_consultant_id,
        kase.title,
        kase.needs,
        kase.preferred_format,
        kase.preferred_start,
        kase.deadline,
        kase.requester_email,
      ],
      ['network', 'new', 'staff', 'NV', null, form.title, form.needs, 'online_training', '2027-03-01', '2027-05-31', director.email],
    );
    const topics = await ctx.db
      .knex('case_topics as ct')
      .join('topics as t', 't.id', 'ct.topic_id')
      .where('ct.case_id', caseId)
      .orderBy('t.slug')
      .select('t.slug');
    assert.deepEqual(
      topics.map((t: { slug: string }) => t.slug),
      ['data-equity-audits', 'equity-lens'],
    );
    const link = await ctx.db.knex('network_team_cases').where({ case_id: caseId }).first();
    assert.equal(Number(link.network_team_id), id);
    const events = await ctx.db.knex('case_events').where({ case_id: caseId }).select('kind');
    assert.deepEqual(
      events.map((e: { kind: string }) => e.kind),
      ['case.created'],
    );
    assert.match((await d.get(`/network/teams/${id}`)).text, new RegExp(`href="/cases/${caseId}">${kase.reference}</a>`));
    assert.match((await d.get('/cases/triage')).text, new RegExp(kase.reference), 'the case waits in triage like any other');
  });

  it('POST /network/teams/:id/training, twice with the same submission key, opens one case and answers both with it', async () => {
    const id = await makeTeam('WY');
    const d = await client(app, await makeUser({ role: 'director' }));
    const form = trainingForm();
    const first = await d.post(`/network/teams/${id}/training`, form);
    const second = await d.post(`/network/teams/${id}/training`, form);
    assert.equal(first.status, 303);
    assert.equal(second.headers.location, first.headers.location);
    const [{ n }] = await ctx.db.knex('network_team_cases').where({ network_team_id: id }).count({ n: '*' });
    assert.equal(Number(n), 1);
  });

  // One team a state: each case registers its own.
  const trainingStates = ['AK', 'HI', 'ND', 'SC', 'AL'];
  for (const [i, [name, overrides, field, message]] of (
    [
      ['no topic', { topics: undefined }, 'topics', /Choose at least one topic/],
      ['a topic that does not exist', { topics: ['astrology'] }, 'topics', /Choose topics from the list/],
      [
        'a deadline before the start',
        { preferred_start: '2027-05-01', deadline: '2027-04-01' },
        'deadline',
        /on or after the preferred start date/,
      ],
      ['no title', { title: '' }, 'title', /Enter a short title for the training/],
      ['no description of the training', { needs: ' ' }, 'needs', /Enter what the training should cover/],
    ] as const
  ).entries()) {
    it(`POST /network/teams/:id/training, with ${name}, answers 422 with the message at ${field}, keeps the values and opens nothing`, async () => {
      const id = await makeTeam(trainingStates[i]);
      const d = await client(app, await makeUser({ role: 'director' }));
      const form = trainingForm(overrides as Fields);
      const before = await programState(ctx.db.knex);
      const res = await d.post(`/network/teams/${id}/training`, form);
      assert.equal(res.status, 422);
      assert.match(messageNextTo(res.text, field) ?? '', message);
      assert.equal(shownValue(res.text, 'title'), form.title);
      assert.equal(shownValue(res.text, 'needs'), form.needs);
      assert.deepEqual(checkedValues(res.text, 'preferred_format'), ['online_training']);
      assert.equal(await programState(ctx.db.knex), before);
    });
  }
});
