import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';

describeEachEngine('Staff sign-in (smoke)', () => {
  const { app } = testApp();
  it('POST /login, with a right password, signs in and GET /cases answers 200', async () => {
    const user = await makeUser({ role: 'director' });
    const agent = await signInAs(app, user);
    const res = await agent.get('/cases');
    assert.equal(res.status, 200);
    assert.match(res.text, /Cases/);
  });
});
