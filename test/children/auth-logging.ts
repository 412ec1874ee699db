// Run by test/integration/auth.logging.test.ts in a child process (pino writes to the process's
// stdout): a fresh database, the app at LOG_LEVEL=debug, and every form that carries a password
// (setup, sign-in refused and accepted, a new user, a duplicate, a password change, a sign-in
// that fails with a 500). The statuses go to stderr.
import request from 'supertest';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { attemptSignIn } from '../helpers/auth';
import { freshDatabase } from '../helpers/db';

/** Distinct passwords for each place one is typed, so that a leak says where it came from. */
export const SECRETS = {
  weakSetup: 'passwordpassword',
  setup: 'Setup-heron-basalt-3141',
  wrong: 'Wrong-puffin-cobalt-2718',
  initial: 'Initial-marten-fjord-1618',
  changed: 'Changed-lynx-tundra-1414',
  failing: 'Failing-egret-mesa-5772',
};

async function main(): Promise<void> {
  const S = SECRETS;
  const db = await freshDatabase(process.env.ENGINE === 'postgres' ? 'postgres' : 'sqlite');
  const statuses: number[] = [];
  try {
    const { app } = testApp({ LOG_LEVEL: 'debug' });
    const setup = request.agent(app);
    const token = csrfTokenOf((await setup.get('/setup')).text);
    const base = { _csrf: token, name: 'Log Director', email: 'log.director@leep.test' };
    const setupWith = (password: string) =>
      setup
        .post('/setup')
        .type('form')
        .send(encodeForm({ ...base, password, password_confirmation: password }));
    statuses.push((await setupWith(S.weakSetup)).status);
    statuses.push((await setupWith(S.setup)).status);
    statuses.push((await attemptSignIn(app, 'log.director@leep.test', S.wrong)).res.status);
    const { res, agent } = await attemptSignIn(app, 'log.director@leep.test', S.setup);
    statuses.push(res.status);
    const t = csrfTokenOf((await agent.get('/admin/users/new')).text);
    const user = {
      _csrf: t,
      name: 'Logged User',
      email: 'logged.user@leep.test',
      role: 'consultant',
      capacity: '2',
      password: S.initial,
      password_confirmation: S.initial,
    };
    statuses.push((await agent.post('/admin/users').type('form').send(encodeForm(user))).status);
    statuses.push((await agent.post('/admin/users').type('form').send(encodeForm(user))).status);
    const change = { _csrf: t, current_password: S.setup, password: S.changed, password_confirmation: S.changed };
    statuses.push((await agent.post('/account/password').type('form').send(encodeForm(change))).status);
    await db.knex.schema.renameTable('sessions', 'sessions_x');
    statuses.push((await attemptSignIn(app, 'log.director@leep.test', S.changed)).res.status);
    await db.knex.schema.renameTable('sessions_x', 'sessions');
    statuses.push((await attemptSignIn(app, 'logged.user@leep.test', S.failing)).res.status);
  } finally {
    await db.destroy();
  }
  process.stderr.write(`STATUSES ${JSON.stringify(statuses)}\n`);
}

// The test imports SECRETS from here; only the child process runs the flows.
if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
