import assert from 'node:assert/strict';
import { runChild } from '../helpers/child';
import { describeEachEngine } from '../helpers/db';

describeEachEngine('Application status links never written down', (ctx) => {
  it("the app at LOG_LEVEL=debug, through an application and visits to its status page, logs the route but never the link's token", async function () {
    this.timeout(30_000);
    const run = await runChild('application-logging', ctx.engine);
    assert.equal(run.code, 0, run.stderr);
    const m = /STATUS (\d+) LINK \/applications\/([A-Za-z0-9_-]{43})/.exec(run.stderr);
    assert.ok(m, run.stderr);
    assert.equal(m[1], '303');
    const lines = run.stdout.split('\n').filter((l) => l.startsWith('{'));
    assert.ok(lines.filter((l) => l.includes('"url":"/applications/:token')).length >= 3, 'the status page visits are logged by route');
    assert.deepEqual(
      lines.filter((l) => l.includes(m[2])),
      [],
      'the token is in no log line, not even in the redirect that hands it out',
    );
    assert.ok(
      lines.some((l) => l.includes('"location":"/applications/:token?received=1"')),
      'the redirect is logged by route',
    );
    const cookies = lines.filter((l) => l.includes('"set-cookie"'));
    assert.ok(
      cookies.length > 0 && cookies.every((l) => /"set-cookie":"\[redacted\]"/.test(l)),
      'cookies set by the answers stay redacted',
    );
  });
});
