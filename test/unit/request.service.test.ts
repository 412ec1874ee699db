import assert from 'node:assert/strict';
import { yearIn } from '../../server/services/request.service';

describe('yearIn', () => {
  it('yearIn, for New Year in UTC while it is still 31 December in New York, gives the old year', () => {
    assert.equal(yearIn('America/New_York', new Date('2027-01-01T04:59:59Z')), 2026);
    assert.equal(yearIn('America/New_York', new Date('2027-01-01T05:00:00Z')), 2027);
  });

  it('yearIn, for an instant already in the new year east of UTC, gives the new year', () => {
    assert.equal(yearIn('Asia/Tokyo', new Date('2026-12-31T15:00:00Z')), 2027);
    assert.equal(yearIn('UTC', new Date('2026-12-31T15:00:00Z')), 2026);
  });

  it('yearIn, for Honolulu and Guam (territories far from New York), follows their own clocks', () => {
    const instant = new Date('2027-01-01T09:30:00Z');
    assert.equal(yearIn('Pacific/Honolulu', instant), 2026);
    assert.equal(yearIn('Pacific/Guam', instant), 2027);
  });

  it('yearIn, for any instant, returns a number', () => {
    assert.equal(typeof yearIn('America/New_York', new Date()), 'number');
  });
});
