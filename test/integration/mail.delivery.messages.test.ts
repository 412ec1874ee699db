// A message on a case, from staff or from the requester's status page, reaches the other side
// through a real SMTP server: the requester, or the case's active staff, or every active director.
import assert from 'node:assert/strict';
import request from 'supertest';
import { csrfTokenOf, encodeForm } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { marker, re, staffClient } from '../helpers/cases';
import { describeEachEngine } from '../helpers/db';
import { makeCase } from '../helpers/engagements';
import { requestPayload } from '../helpers/factories';
import { deliverAll, linesFor } from '../helpers/mail';
import { linksIn, mailDelivery } from '../helpers/mail-delivery';

describeEachEngine('Mail delivery through SMTP', (ctx) => {
  const { env, activeDirectorEmails, caseByEmail, newFor } = mailDelivery(ctx);

  it('POST /cases/:id/messages, from the lead, sends the requester the text (escaped in the HTML part) and the status link', async () => {
    const lead = await makeUser({ name: 'Lou Lead' });
    const email = `req.${marker()}@example.org`;
    const created = await request(env.app).post('/api/v1/requests').send(requestPayload({ email }));
    const kase = await caseByEmail(email);
    assert.equal((await env.director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(lead.id) })).status, 303);
    await deliverAll(env.worker);
    const client = await staffClient(env.app, lead);
    const text = `Here is the <b>agenda</b> & the "plan" <script>alert(1)</script> ${marker()}`;

    const mark = env.smtp.received.length;
    assert.equal((await client.post(`/cases/${kase.id}/messages`, { body: text })).status, 303);
    assert.equal(await deliverAll(env.worker), 1);
    const got = newFor(mark, kase.reference);
    assert.deepEqual(linesFor(got, kase.reference), [`${email} | A message about your request ${kase.reference}`]);
    const m = got[0];
    assert.ok(m.text.includes(`\n${text}\n`), m.text);
    assert.match(m.text, re(`Lou Lead of the LEEP team wrote about your request ${kase.reference}`));
    assert.deepEqual(linksIn(m.text), [String(created.body.status_url)]);
    assert.ok(!m.html.includes('<script>') && !m.html.includes('<b>'), 'the message was put into the HTML part unescaped');
    assert.match(m.html, re('Here is the &lt;b&gt;agenda&lt;/b&gt; &amp; the &quot;plan&quot; &lt;script&gt;alert(1)&lt;/script&gt;'));
  });

  it('POST /status/:token/messages, on an assigned case, sends the lead and the active supporters the text, not directors or inactive staff', async () => {
    const lead = await makeUser({ name: 'Lia Lead' });
    const supporter = await makeUser({ name: 'Sid Supporter' });
    const leaver = await makeUser({ name: 'Lee Leaver' });
    const kase = await makeCase(env.config, { lead, supporters: [supporter, leaver] });
    await ctx.db.knex('users').where({ id: leaver.id }).update({ active: false });
    await deliverAll(env.worker);

    const agent = request.agent(env.app);
    const page = await agent.get(kase.statusPath).expect(200);
    const text = `Could we meet on Tuesday? ${marker()}`;
    const mark = env.smtp.received.length;
    const res = await agent
      .post(`${kase.statusPath}/messages`)
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(page.text), body: text }));
    assert.equal(res.status, 303);
    assert.equal(await deliverAll(env.worker), 2);
    const got = newFor(mark, kase.reference);
    assert.deepEqual(
      linesFor(got, kase.reference),
      [lead.email, supporter.email].map((to) => `${to} | Dana Whitfield wrote about ${kase.reference}`).sort(),
    );
    for (const m of got) {
      assert.ok(m.text.includes(`\n${text}\n`), m.text);
      assert.deepEqual(linksIn(m.text), [`http://leep.test/cases/${kase.id}`]);
    }
  });

  it('POST /status/:token/messages, on an unassigned case, sends every active director the text', async () => {
    const kase = await makeCase(env.config);
    await deliverAll(env.worker);
    const agent = request.agent(env.app);
    const page = await agent.get(kase.statusPath).expect(200);
    const text = `Is anyone reading this? ${marker()}`;
    const mark = env.smtp.received.length;
    assert.equal(
      (
        await agent
          .post(`${kase.statusPath}/messages`)
          .type('form')
          .send(encodeForm({ _csrf: csrfTokenOf(page.text), body: text }))
      ).status,
      303,
    );
    const directors = await activeDirectorEmails();
    assert.equal(await deliverAll(env.worker), directors.length);
    const got = newFor(mark, kase.reference);
    assert.deepEqual(linesFor(got, kase.reference), directors.map((d) => `${d} | Dana Whitfield wrote about ${kase.reference}`).sort());
    assert.ok(got.every((m) => m.text.includes(text)));
  });
});
