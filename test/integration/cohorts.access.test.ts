import assert from 'node:assert/strict';
import request from 'supertest';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { escapeHtml } from '../helpers/html';
import { client, daysFromToday } from '../helpers/programs';
import { cohortForm, makeCohort } from '../helpers/programs-cohorts';
import { programState } from '../helpers/programs-state';

describeEachEngine('Cohorts: opening and editing', (ctx) => {
  const { app } = testApp();

  it('GET /cohorts, for a director, lists every cohort; for anyone else only those open for applications, with a link to apply', async () => {
    const director = await makeUser({ role: 'director' });
    const open = await makeCohort(ctx.db.knex, { director });
    const closed = await makeCohort(ctx.db.knex, { director, form: { opens_on: daysFromToday(-60), closes_on: daysFromToday(-30) } });
    const upcoming = await makeCohort(ctx.db.knex, { director, form: { opens_on: daysFromToday(3), closes_on: daysFromToday(30) } });
    const { agent } = await client(app, await makeUser({ role: 'consultant' }));
    for (const res of [await request(app).get('/cohorts'), await agent.get('/cohorts')]) {
      assert.equal(res.status, 200);
      assert.ok(res.text.includes(`href="/cohorts/${open.id}/apply"`));
      for (const other of [closed, upcoming]) assert.ok(!res.text.includes(escapeHtml(other.name)), `${other.name} is not listed`);
    }
    const mine = await (await client(app, director)).get('/cohorts');
    for (const c of [open, closed, upcoming])
      assert.ok(mine.text.includes(`href="/cohorts/${c.id}"`), `${c.name} is listed for the director`);
  });

  it('GET and POST on a cohort, for a consultant, answer 403 and change nothing; for an unknown cohort, 404', async () => {
    const cohort = await makeCohort(ctx.db.knex);
    const c = await client(app, await makeUser({ role: 'consultant' }));
    const before = await programState(ctx.db.knex);
    for (const path of [`/cohorts/${cohort.id}`, `/cohorts/${cohort.id}/edit`, '/cohorts/new', `/cohorts/${cohort.id}/applications`])
      assert.equal((await c.get(path)).status, 403, path);
    assert.equal((await c.post(`/cohorts/${cohort.id}`, cohortForm({ name: 'Taken over' }))).status, 403);
    assert.equal((await c.post('/cohorts', cohortForm())).status, 403);
    assert.equal(await programState(ctx.db.knex), before);
    const d = await client(app, await makeUser({ role: 'director' }));
    for (const path of [
      '/cohorts/999999',
      '/cohorts/999999/edit',
      '/cohorts/1e0',
      `/cohorts/${cohort.id}/meetings/999999/attendance`,
      `/cohorts/${cohort.id}/assignments/999999`,
    ]) {
      assert.equal((await d.get(path)).status, 404, path);
    }
  });

  it("GET /cohorts/:id/meetings/:mid/attendance, with another cohort's meeting, answers 404", async () => {
    const director = await makeUser({ role: 'director' });
    const one = await makeCohort(ctx.db.knex, { director });
    const other = await makeCohort(ctx.db.knex, { director });
    const d = await client(app, director);
    assert.equal((await d.get(`/cohorts/${one.id}/meetings/${other.meetings[0].id}/attendance`)).status, 404);
    assert.equal((await d.get(`/cohorts/${other.id}/meetings/${other.meetings[0].id}/attendance`)).status, 200);
  });
});
