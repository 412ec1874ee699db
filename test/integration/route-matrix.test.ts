import assert from 'node:assert/strict';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { Agent, makeUser, signInAs } from '../helpers/auth';
import { requestPayload } from '../helpers/factories';
import { enrolTotp } from '../helpers/mfa';
import { daysFromToday } from '../helpers/programs';
import { makeCohort } from '../helpers/programs-cohorts';
import { applyTo, makeReviewer } from '../helpers/programs-applications';
import { makeEvent, makeTeam } from '../helpers/programs-network';
import { MATRIX, Role, destructive, expected, registeredRoutes } from '../helpers/route-matrix';

describeEachEngine('Role × route matrix', (ctx) => {
  const { app, config } = testApp();

  it('every registered route, and only those, is listed in the matrix', () => {
    const routes = registeredRoutes(app).sort();
    assert.deepEqual(routes, Object.keys(MATRIX).sort());
  });

  // Each role's run registers a state team of its own (one team a state).
  const teamStates: Record<Role, string> = { anonymous: 'VT', consultant: 'NH', outsider: 'ME', director: 'RI', half: 'CT' };
  const who: Record<Role, string> = {
    anonymous: 'an anonymous visitor',
    consultant: 'a consultant',
    outsider: 'a consultant not on the case',
    director: 'a director',
    half: 'a director half signed in (password only)',
  };

  for (const role of ['anonymous', 'consultant', 'outsider', 'director', 'half'] as Role[]) {
    it(`every route, for ${who[role]}, answers as the matrix says`, async function () {
      this.timeout(60_000);
      // Fresh objects for this role: its destructive routes must not disturb another role's run.
      const director = await makeUser({ role: 'director' });
      const lead = await makeUser({ role: 'consultant' });
      const outsider = await makeUser({ role: 'consultant' });
      const spare = await makeUser({ role: 'consultant' });
      const created = await request(app).post('/api/v1/requests').send(requestPayload());
      const token = new URL(created.body.status_url).pathname.split('/').pop() as string;
      const caseId = Number((await ctx.db.knex('cases').where({ reference: created.body.reference }).first('id')).id);
      const d = await signInAs(app, director);
      const dToken = await d.csrf(`/cases/${caseId}`);
      await d
        .post(`/cases/${caseId}/assignment`)
        .type('form')
        .send(encodeForm({ _csrf: dToken, lead_consultant_id: String(lead.id) }))
        .expect(303);
      const l = await signInAs(app, lead);
      const lToken = await l.csrf(`/cases/${caseId}/engagements/new`);
      await l
        .post(`/cases/${caseId}/engagements`)
        .type('form')
        .send(
          encodeForm({
            _csrf: lToken,
            status: 'scheduled',
            date: '2031-05-01',
            start_time: '10:00',
            duration_minutes: '60',
            format: 'one_on_one',
            consultant_ids: [String(lead.id)],
            participant_count: '2',
            jurisdictions: ['OH'],
          }),
        )
        .expect(303);
      const engagementId = Number((await ctx.db.knex('engagements').where({ case_id: caseId }).first('id')).id);
      const tokensCsrf = await d.csrf('/admin/tokens');
      await d
        .post('/admin/tokens')
        .type('form')
        .send(encodeForm({ _csrf: tokensCsrf, name: `matrix ${role}` }))
        .expect(201);
      const tokenId = Number((await ctx.db.knex('api_tokens').orderBy('id', 'desc').first('id')).id);
      const outboxId = Number((await ctx.db.knex('outbox').orderBy('id', 'desc').first('id')).id);
      // The National Cohort and the State Policy Network: an open cohort with a past meeting, an
      // application, an assignment, a state team and a past network event.
      const cohort = await makeCohort(ctx.db.knex, { director, meetings: [{ date: daysFromToday(-2) }] });
      const application = await applyTo(cohort.id);
      // The lead reviews the cohort (`case` access: a reviewer may, another consultant gets 404).
      await makeReviewer(cohort.id, lead);
      const [assignmentRow] = await ctx.db
        .knex('cohort_assignments')
        .insert({
          cohort_id: cohort.id,
          title: 'Reading',
          due_on: daysFromToday(7),
          created_at: new Date().toISOString(),
          updated_at: new Date().toISOString(),
        })
        .returning('id');
      const assignmentId = Number(typeof assignmentRow === 'object' ? assignmentRow.id : assignmentRow);
      const teamId = await makeTeam(teamStates[role]);
      const eventId = await makeEvent(director, daysFromToday(-1));

      let agent: Agent;
      let actor = role === 'director' ? director : role === 'consultant' ? lead : outsider;
      if (role === 'anonymous') agent = request.agent(app);
      else if (role === 'half') {
        actor = await makeUser({ role: 'director' });
        await enrolTotp(config, actor.id);
        agent = request.agent(app);
        const login = await agent.get('/login');
        const pw = await agent
          .post('/login')
          .type('form')
          .send(encodeForm({ _csrf: csrfTokenOf(login.text), email: actor.email, password: actor.password }));
        assert.equal(pw.headers.location, '/login/verify');
      } else agent = role === 'director' ? d : await signInAs(app, actor);
      const csrf = csrfTokenOf(
        (await agent.get(role === 'anonymous' ? '/requests/new' : role === 'half' ? '/login/verify' : '/account/password').expect(200))
          .text,
      );
      // One passkey of the acting user's own, for the route that removes one.
      await ctx.db.knex('passkeys').insert({
        user_id: actor.id,
        credential_id: Buffer.from(`matrix-${role}-${Date.now()}`).toString('base64url'),
        public_key: 'AA',
        counter: 0,
        name: 'Matrix key',
        created_at: new Date().toISOString(),
      });
      const passkeyId = Number((await ctx.db.knex('passkeys').where({ user_id: actor.id }).orderBy('id', 'desc').first('id')).id);

      const fill = (path: string) =>
        path
          .replace(/^\/applications\/:token/, `/applications/${application.token}`)
          .replace(':aid', String(application.id))
          .replace(':mid', String(cohort.meetings[0].id))
          .replace(':asid', String(assignmentId))
          .replace(/^\/cohorts\/:id/, `/cohorts/${cohort.id}`)
          .replace(/^\/reviews\/:id/, `/reviews/${application.id}`)
          .replace(/^\/network\/teams\/:id/, `/network/teams/${teamId}`)
          .replace(/^\/network\/events\/:id/, `/network/events/${eventId}`)
          .replace(':token', token)
          .replace(':eid', String(engagementId))
          .replace(':code', 'OH')
          .replace(/^\/engagements\/:id/, `/engagements/${engagementId}`)
          .replace(/^\/api\/v1\/engagements\/:id/, `/api/v1/engagements/${engagementId}`)
          .replace(':reference', created.body.reference)
          .replace(/^\/cases\/:id/, `/cases/${caseId}`)
          .replace(/^\/admin\/users\/:id/, `/admin/users/${spare.id}`)
          .replace(/^\/account\/security\/passkeys\/:id/, `/account/security/passkeys/${passkeyId}`)
          .replace(/^\/admin\/topics\/:id/, '/admin/topics/1')
          .replace(/^\/admin\/tokens\/:id/, `/admin/tokens/${tokenId}`)
          .replace(/^\/admin\/outbox\/:id/, `/admin/outbox/${outboxId}`);

      const routes = Object.keys(MATRIX).sort((a, b) => Number(destructive(a)) - Number(destructive(b)));
      const wrong: string[] = [];
      for (const route of routes) {
        const [method, path] = route.split(' ');
        const url = fill(path);
        const res =
          method === 'GET'
            ? await agent.get(url)
            : await (method === 'PATCH' ? agent.patch(url) : agent.post(url)).type('form').send(encodeForm({ _csrf: csrf }));
        const want = expected(MATRIX[route], role, method);
        const ok =
          want === 'allowed'
            ? res.status < 500 &&
              ![403, 404].includes(res.status) &&
              (res.status !== 401 || (role === 'half' && route === 'POST /login/passkey')) &&
              res.headers.location !== '/login'
            : want === 'to-second-step'
              ? res.status === 303 && res.headers.location === '/login/verify'
              : want === 'not-served'
                ? (res.status === 303 && res.headers.location === '/login') || res.status === 401
                : res.status === want;
        if (!ok) wrong.push(`${route} (${url}): ${res.status}, expected ${want}`);
      }
      assert.deepEqual(wrong, []);
    });
  }

  it('GET /api/v1/*, with a director token, answers 200, and a session alone answers 401', async () => {
    const director = await makeUser({ role: 'director' });
    const d = await signInAs(app, director);
    // The token is read before the post is built: the agent attaches its cookies when it builds it.
    const csrf = await d.csrf('/admin/tokens');
    const made = await d
      .post('/admin/tokens')
      .type('form')
      .send(encodeForm({ _csrf: csrf, name: 'matrix api' }));
    assert.equal(made.status, 201, made.text.slice(0, 2000));
    const token = /<code class="new-token">([^<]+)<\/code>/.exec(made.text)?.[1] as string;
    for (const path of ['/api/v1/cases', '/api/v1/engagements', '/api/v1/reports/coverage']) {
      assert.equal((await request(app).get(path).set('Authorization', `Bearer ${token}`)).status, 200, path);
      assert.equal((await d.get(path)).status, 401, `${path} with a session only`);
    }
  });
});
