import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { requestPayload } from '../helpers/factories';
import { lastReferenceNumber } from '../helpers/store';
import { submitRequest } from '../../server/services/request.service';

const ctxFor = (now: Date) => ({
  source: 'api' as const,
  secret: 'test-secret-not-for-production-use-0000',
  timeZone: 'America/New_York',
  now,
});

async function referenceAt(now: Date): Promise<string> {
  const result = await submitRequest(requestPayload(), ctxFor(now));
  assert.equal(result.kind, 'created');
  return (result as { reference: string }).reference;
}

describeEachEngine('Case references', (ctx) => {
  it('submitRequest, for the first case of a year, gives TA-<year>-0001', async () => {
    assert.equal(await referenceAt(new Date('2029-03-01T15:00:00Z')), 'TA-2029-0001');
    assert.equal(await referenceAt(new Date('2029-03-02T15:00:00Z')), 'TA-2029-0002');
  });

  it('submitRequest, with the counter at 41, gives the 4-digit sequence 0042', async () => {
    await ctx.db.knex('reference_counters').insert({ year: 2031, last: 41 });
    assert.equal(await referenceAt(new Date('2031-06-01T12:00:00Z')), 'TA-2031-0042');
    assert.equal(await lastReferenceNumber(ctx.db.knex, 2031), 42);
  });

  it('submitRequest, at 23:30 on 31 December in New York (already January in UTC), numbers the case in the old year', async () => {
    const before2032 = await lastReferenceNumber(ctx.db.knex, 2032);
    const reference = await referenceAt(new Date('2033-01-01T04:30:00Z'));
    assert.equal(reference, `TA-2032-${String(before2032 + 1).padStart(4, '0')}`);
    assert.equal(await lastReferenceNumber(ctx.db.knex, 2033), 0, 'no number was taken in the new year');
  });

  it('submitRequest, in a new year, starts again at 0001 while the old year keeps its count', async () => {
    const in2034 = await referenceAt(new Date('2034-02-01T12:00:00Z'));
    const in2035 = await referenceAt(new Date('2035-02-01T12:00:00Z'));
    const again2034 = await referenceAt(new Date('2034-12-01T12:00:00Z'));
    assert.deepEqual([in2034, in2035, again2034], ['TA-2034-0001', 'TA-2035-0001', 'TA-2034-0002']);
  });

  it('submitRequest, for a case, stores the reference it answers with', async () => {
    const result = await submitRequest(requestPayload(), ctxFor(new Date('2036-05-05T12:00:00Z')));
    assert.equal(result.kind, 'created');
    const { caseId, reference } = result as { caseId: number; reference: string };
    const row = await ctx.db.knex('cases').where({ id: caseId }).first();
    assert.equal(row.reference, reference);
    assert.equal(new Date(row.submitted_at).toISOString(), '2036-05-05T12:00:00.000Z');
  });
});
