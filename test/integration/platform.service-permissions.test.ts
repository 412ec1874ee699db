// Issue 18: the outbox's service checks who asks, whatever the caller (web, API or command line).
import assert from 'node:assert/strict';
import request from 'supertest';
import { ForbiddenError, NotFoundError } from '../../server/errors';
import { outboxMessage, outboxPage, sendAgainNow } from '../../server/services/outbox.service';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { requestPayload } from '../helpers/factories';

describeEachEngine('The outbox service and who may use it', (ctx) => {
  const { app } = testApp();
  let messageId: number;

  before(async () => {
    const created = await request(app)
      .post('/api/v1/requests')
      .send(requestPayload({ email: `outbox.${Date.now()}@example.org` }));
    assert.equal(created.status, 201, created.text);
    messageId = (await ctx.db.knex('outbox').where({ kind: 'request-received' }).orderBy('id', 'desc').first('id')).id;
    await ctx.db.knex('outbox').where({ id: messageId }).update({ status: 'failed', next_attempt_at: 0 });
  });

  it('outboxPage, outboxMessage and sendAgainNow, for a consultant, refuse (403) and change nothing', async () => {
    const consultant = await makeUser({ role: 'consultant' });
    const actor = { id: consultant.id, role: consultant.role };
    await assert.rejects(outboxPage(actor, undefined), ForbiddenError);
    await assert.rejects(outboxMessage(actor, messageId), ForbiddenError);
    await assert.rejects(sendAgainNow(actor, messageId), ForbiddenError);
    assert.equal((await ctx.db.knex('outbox').where({ id: messageId }).first('status')).status, 'failed');
  });

  it('outboxPage, outboxMessage and sendAgainNow, for a director, list, show and put the failed message back in line', async () => {
    const director = await makeUser({ role: 'director' });
    const actor = { id: director.id, role: director.role };
    const page = await outboxPage(actor, 'failed');
    assert.equal(page.status, 'failed');
    assert.ok(page.rows.some((r) => r.id === messageId));
    assert.ok(page.rows.every((r) => r.status === 'failed'));
    assert.equal((await outboxMessage(actor, messageId)).id, messageId);
    await sendAgainNow(actor, messageId, 1234);
    const row = await ctx.db.knex('outbox').where({ id: messageId }).first('status', 'next_attempt_at');
    assert.equal(row.status, 'waiting');
    assert.equal(Number(row.next_attempt_at), 1234);
  });

  it('outboxPage, for a status that is none of the four, lists every message; outboxMessage and sendAgainNow, for an unknown id, answer 404', async () => {
    const director = await makeUser({ role: 'director' });
    const actor = { id: director.id, role: director.role };
    assert.equal((await outboxPage(actor, 'everything')).status, undefined);
    await assert.rejects(outboxMessage(actor, 999_999), NotFoundError);
    await assert.rejects(sendAgainNow(actor, 999_999), NotFoundError);
  });
});
