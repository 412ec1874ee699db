// Assigning a case, through the app's routes, tells the new lead, the supporters and the requester
// through a real SMTP server; saving the same lead again tells nobody.
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeUser } from '../helpers/auth';
import { marker, re } from '../helpers/cases';
import { describeEachEngine } from '../helpers/db';
import { makeCase } from '../helpers/engagements';
import { requestPayload } from '../helpers/factories';
import { deliverAll, linesFor, outboxOf } from '../helpers/mail';
import { linksIn, mailDelivery } from '../helpers/mail-delivery';

describeEachEngine('Mail delivery through SMTP', (ctx) => {
  const { env, caseByEmail, newFor, only } = mailDelivery(ctx);

  it("POST /cases/:id/assignment, a new lead, sends the lead the case and the requester the consultant's name; saving it again sends nothing", async () => {
    const lead = await makeUser({ name: `Lena Lead ${marker()}` });
    const supporter = await makeUser({ name: 'Sam Supporter' });
    const email = `req.${marker()}@example.org`;
    const created = await request(env.app).post('/api/v1/requests').send(requestPayload({ email }));
    assert.equal(created.status, 201);
    const kase = await caseByEmail(email);
    await deliverAll(env.worker);

    const mark = env.smtp.received.length;
    const assignment = { lead_consultant_id: String(lead.id), supporting_ids: [String(supporter.id)] };
    assert.equal((await env.director.post(`/cases/${kase.id}/assignment`, assignment)).status, 303);
    assert.equal(await deliverAll(env.worker), 3);
    const got = newFor(mark, kase.reference);
    assert.deepEqual(
      linesFor(got, kase.reference),
      [
        `${email} | Your LEEP consultant for ${kase.reference}`,
        `${lead.email} | You are the lead on ${kase.reference}`,
        `${supporter.email} | You are supporting ${kase.reference}`,
      ].sort(),
    );
    const toLead = only(got, lead.email);
    assert.match(toLead.text, re(`Dear ${lead.name},`));
    assert.deepEqual(linksIn(toLead.text), [`http://leep.test/cases/${kase.id}`]);
    const toRequester = only(got, email);
    assert.match(toRequester.text, re(`${lead.name} is the LEEP consultant for your request ${kase.reference}`));
    assert.deepEqual(linksIn(toRequester.text), [String(created.body.status_url)]);

    const rows = (await outboxOf(ctx.db.knex, kase.id)).length;
    const again = env.smtp.received.length;
    assert.equal((await env.director.post(`/cases/${kase.id}/assignment`, assignment)).status, 303);
    // The same lead with another team is a change of the team, not of the lead: still no mail.
    assert.equal((await env.director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(lead.id) })).status, 303);
    assert.equal(await deliverAll(env.worker), 0);
    assert.equal(env.smtp.received.length, again);
    assert.equal((await outboxOf(ctx.db.knex, kase.id)).length, rows);
  });

  it('POST /cases/:id/assignment, another lead, sends the new lead and the requester a message naming the new lead', async () => {
    const first = await makeUser({ name: 'Fay First' });
    const second = await makeUser({ name: `Nico Next ${marker()}` });
    const kase = await makeCase(env.config, { lead: first });
    await deliverAll(env.worker);
    const mark = env.smtp.received.length;
    assert.equal((await env.director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(second.id) })).status, 303);
    assert.equal(await deliverAll(env.worker), 2);
    const got = newFor(mark, kase.reference);
    assert.deepEqual(got.flatMap((m) => m.rcptTo).sort(), ['dana.whitfield@example.org', second.email].sort());
    assert.match(only(got, 'dana.whitfield@example.org').text, re(`${second.name} is the LEEP consultant`));
    assert.ok(!got.some((m) => m.rcptTo.includes(first.email)));
  });
});
