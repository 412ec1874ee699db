import assert from 'node:assert/strict';
import request from 'supertest';
import { testAppWithLog } from '../helpers/log';
import { describeEachEngine } from '../helpers/db';
import { makeUser, signInAs } from '../helpers/auth';

const appWithLog = () => testAppWithLog();

describeEachEngine('Malformed percent-encoding in an address', () => {
  const paths = ['/status/%FF%FE', '/cases/%FF', '/states/%FF', '/applications/%E0%A4%A', '/engagements/%C0/edit'];

  for (const path of paths) {
    it(`GET ${path}, anonymously, answers 400 (not 500) with a short message`, async () => {
      const { app } = appWithLog();
      const res = await request(app).get(path).set('Accept', 'text/html');
      assert.equal(res.status, 400);
      assert.match(res.text, /This address is not valid/);
    });
  }

  it('GET /cases/%FF, as a director, answers 400 (the router refuses it before any guard)', async () => {
    const { app } = appWithLog();
    const agent = await signInAs(app, await makeUser({ role: 'director' }));
    const res = await agent.get('/cases/%FF');
    assert.equal(res.status, 400);
  });

  it('GET /cases/%FF, asking for JSON, answers 400 in JSON', async () => {
    const { app } = appWithLog();
    const res = await request(app).get('/cases/%FF').set('Accept', 'application/json');
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'bad_address');
  });

  it('GET /status/<token-like>%FF, with the log at debug, writes neither the raw parameter nor the token into any log line', async () => {
    const { app, lines } = appWithLog();
    const secret = 'Zq7secretTokenPart0123456789abcdefABCDEFxyz';
    const res = await request(app).get(`/status/${secret}%FF`);
    assert.equal(res.status, 400);
    assert.ok(lines.length > 0, 'the request is logged');
    assert.deepEqual(
      lines.filter((l) => l.includes(secret) || l.includes('%FF')),
      [],
    );
    assert.ok(
      lines.some((l) => l.includes('"url":"/status/:token"')),
      'the request is logged by route',
    );
  });
});
