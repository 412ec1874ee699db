import assert from 'node:assert/strict';
import request from 'supertest';
import { createUser } from '../../server/services/user.service';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { auditEvents, errorAt, inputValue, makeUser, removeAllUsers } from '../helpers/auth';

const STRONG = 'Violet-canyon-spruce-77';

let counter = 0;
function director(overrides: Record<string, string> = {}) {
  counter += 1;
  return {
    name: `First Director ${counter}`,
    email: `first.director${counter}.${Date.now()}@leep.test`,
    password: STRONG,
    password_confirmation: STRONG,
    ...overrides,
  };
}

/** Fetches GET /setup (for its CSRF cookie and token) and posts the form. */
async function postSetup(app: ReturnType<typeof testApp>['app'], fields: Record<string, string>) {
  const agent = request.agent(app);
  const page = await agent.get('/setup').expect(200);
  const res = await agent
    .post('/setup')
    .type('form')
    .send(encodeForm({ _csrf: csrfTokenOf(page.text), ...fields }));
  return { res, agent };
}

describeEachEngine('First-run setup', (ctx) => {
  // Every test starts from an installation with no user at all.
  beforeEach(async () => {
    await removeAllUsers(ctx.db.knex);
  });

  const userCount = async () => Number((await ctx.db.knex('users').count({ n: '*' }))[0].n);

  it('GET /setup, while no user exists, answers 200 with the form for the first director', async () => {
    const { app } = testApp();
    const res = await request(app).get('/setup');
    assert.equal(res.status, 200);
    assert.match(res.text, /Create director account/);
    assert.match(res.text, /<input[^>]* name="password" type="password"/);
  });

  it('GET /setup, once any user exists, answers 404', async () => {
    await makeUser({ role: 'consultant' });
    const { app } = testApp();
    const res = await request(app).get('/setup');
    assert.equal(res.status, 404);
    assert.doesNotMatch(res.text, /Create director account/);
  });

  it('POST /setup, with valid details, creates one active director, signs them in and redirects 303 to /cases', async () => {
    const { app } = testApp();
    const fields = director();
    const { res, agent } = await postSetup(app, fields);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/cases');

    const users = await ctx.db.knex('users').select();
    assert.equal(users.length, 1);
    assert.equal(users[0].email, fields.email);
    assert.equal(users[0].name, fields.name);
    assert.equal(users[0].role, 'director');
    assert.ok([true, 1].includes(users[0].active));
    assert.match(users[0].password_hash, /^scrypt\$ln=\d+,r=8,p=1\$/);
    assert.ok(!String(users[0].password_hash).includes(STRONG));

    const cases = await agent.get('/cases');
    assert.equal(cases.status, 200, 'the new director is signed in');
    const created = await auditEvents(ctx.db.knex, 'user.created', `user:${users[0].id}`);
    assert.equal(created.length, 1);
  });

  it('GET and POST /setup, after setup is done, answer 404 and create nothing', async () => {
    const { app } = testApp();
    const first = await postSetup(app, director());
    assert.equal(first.res.status, 303);

    const anonymous = request.agent(app);
    assert.equal((await anonymous.get('/setup')).status, 404);
    const login = await anonymous.get('/login').expect(200);
    const again = await anonymous
      .post('/setup')
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(login.text), ...director() }));
    assert.equal(again.status, 404);
    // Even the director who just set up cannot run it twice.
    const token = csrfTokenOf((await first.agent.get('/account/password').expect(200)).text);
    const fromDirector = await first.agent
      .post('/setup')
      .type('form')
      .send(encodeForm({ _csrf: token, ...director() }));
    assert.equal(fromDirector.status, 404);
    assert.equal(await userCount(), 1);
  });

  for (const weak of ['passwordpassword', 'short']) {
    it(`POST /setup, with the weak password "${weak}", answers 422 keeping name and e-mail (not the password) and creates no user`, async () => {
      const { app } = testApp();
      const fields = director({ password: weak, password_confirmation: weak });
      const { res, agent } = await postSetup(app, fields);
      assert.equal(res.status, 422);
      assert.ok(errorAt(res.text, 'password'), 'a message next to the password field');
      assert.equal(inputValue(res.text, 'name'), fields.name);
      assert.equal(inputValue(res.text, 'email'), fields.email);
      assert.ok(!res.text.includes(`value="${weak}"`), 'the password is never sent back');
      assert.equal(await userCount(), 0);
      assert.equal((await agent.get('/cases')).status, 401, 'and nobody is signed in');
    });
  }

  it('POST /setup, with a password that contains the e-mail address, answers 422 and creates no user', async () => {
    const { app } = testApp();
    const fields = director();
    const password = `Xx-${fields.email}-Yy`;
    const { res } = await postSetup(app, { ...fields, password, password_confirmation: password });
    assert.equal(res.status, 422);
    assert.match(errorAt(res.text, 'password') ?? '', /e-mail/);
    assert.equal(await userCount(), 0);
  });

  it('POST /setup, with a confirmation that differs, answers 422 and creates no user', async () => {
    const { app } = testApp();
    const { res } = await postSetup(app, director({ password_confirmation: `${STRONG}x` }));
    assert.equal(res.status, 422);
    assert.ok(errorAt(res.text, 'password_confirmation'));
    assert.equal(await userCount(), 0);
  });

  it('POST /setup, with a role field smuggled in as consultant, still creates a director', async () => {
    const { app } = testApp();
    const { res } = await postSetup(app, { ...director(), role: 'consultant' });
    assert.equal(res.status, 303);
    const users = await ctx.db.knex('users').select('role');
    assert.deepEqual(
      users.map((u) => u.role),
      ['director'],
    );
  });

  it('POST /setup, twice at the same moment with valid details, creates exactly one user', async () => {
    const { app } = testApp();
    const a = request.agent(app);
    const b = request.agent(app);
    const [pageA, pageB] = await Promise.all([a.get('/setup').expect(200), b.get('/setup').expect(200)]);
    const [resA, resB] = await Promise.all([
      a
        .post('/setup')
        .type('form')
        .send(encodeForm({ _csrf: csrfTokenOf(pageA.text), ...director() })),
      b
        .post('/setup')
        .type('form')
        .send(encodeForm({ _csrf: csrfTokenOf(pageB.text), ...director() })),
    ]);
    const statuses = [resA.status, resB.status].sort();
    assert.equal(statuses[0], 303, `one setup succeeds (got ${statuses})`);
    assert.ok([404, 409].includes(statuses[1]), `the other is refused (got ${statuses})`);
    assert.equal(await userCount(), 1);
    assert.equal((await auditEvents(ctx.db.knex, 'user.created')).length, 1);
  });
});

describeEachEngine('First-run setup, raced in the service', (ctx) => {
  it('createUser with onlyIfNoUsers, five at once, creates exactly one director and refuses the others with 409', async () => {
    await removeAllUsers(ctx.db.knex);
    const attempts = await Promise.allSettled(
      [1, 2, 3, 4, 5].map((i) =>
        createUser({ ...director(), role: 'director', name: `Racer ${i}` }, { scrypt: { logN: 10, r: 8, p: 1 }, onlyIfNoUsers: true }),
      ),
    );
    const fulfilled = attempts.filter((a) => a.status === 'fulfilled');
    const refused = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    assert.equal(fulfilled.length, 1);
    assert.deepEqual(
      refused.map((r) => (r.reason as { status?: number }).status),
      [409, 409, 409, 409],
    );
    assert.equal(Number((await ctx.db.knex('users').count({ n: '*' }))[0].n), 1);
  });
});
