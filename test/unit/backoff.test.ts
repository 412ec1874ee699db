import assert from 'node:assert/strict';
import { MAX_ATTEMPTS, backoffMs } from '../../server/services/mail.worker';

describe('mail.worker backoffMs', () => {
  it('backoffMs, after the first failures, waits 30 s, 1 min, 2 min, 4 min', () => {
    assert.deepEqual([1, 2, 3, 4].map(backoffMs), [30_000, 60_000, 120_000, 240_000]);
  });

  it('backoffMs, after many failures, waits at most an hour', () => {
    assert.equal(backoffMs(8), 60 * 60_000);
    assert.equal(backoffMs(50), 60 * 60_000);
    assert.equal(backoffMs(10_000), 60 * 60_000);
  });

  it('backoffMs, for 0 or fewer failures, waits the first step, never less', () => {
    assert.equal(backoffMs(0), 30_000);
    assert.equal(backoffMs(-3), 30_000);
  });

  it('backoffMs, over the attempts a message gets, never shortens the wait', () => {
    for (let n = 1; n < MAX_ATTEMPTS + 5; n += 1) assert.ok(backoffMs(n + 1) >= backoffMs(n), `after ${n}`);
  });
});
