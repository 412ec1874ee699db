// Where signing in leads: the page named in `next` when it is on this site, the user's home page
// otherwise (no open redirect), and straight on from the sign-in page when already signed in.
import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { attemptSignIn, freshAddress, makeUser } from '../helpers/auth';
import { proxied } from '../helpers/auth-signin';

describeEachEngine('Staff sign-in', () => {
  it('POST /login, with next set to a page of this site, redirects there after signing in', async () => {
    const app = proxied();
    const user = await makeUser({ role: 'director' });
    const { res } = await attemptSignIn(app, user.email, user.password, { address: freshAddress(), next: '/admin/users' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/admin/users');
  });

  for (const next of ['//evil.example/steal', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
    it(`POST /login, with next set to "${next}", redirects to the user's home page instead (no open redirect)`, async () => {
      const app = proxied();
      const user = await makeUser({ role: 'director' });
      const { res } = await attemptSignIn(app, user.email, user.password, { address: freshAddress(), next });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/cases');
    });
  }

  it('GET /login, when already signed in as a director, redirects 303 to /cases', async () => {
    const app = proxied();
    const user = await makeUser({ role: 'director' });
    const { agent } = await attemptSignIn(app, user.email, user.password, { address: freshAddress() });
    const res = await agent.get('/login');
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/cases');
  });
});
