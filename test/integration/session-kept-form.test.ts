// Issue 14: a staff form posted after the session ended leads to sign-in and back to the page,
// with what was typed kept on the server (never in a URL).
import assert from 'node:assert/strict';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { editSessionsOf, makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { countFor, shownValue } from '../helpers/cases';
import { daysFromToday, engagementForm, makeCase } from '../helpers/engagements';

describeEachEngine('A staff form sent after the session ended', (ctx) => {
  const { app, config } = testApp();

  /** A consultant signed in on their case page, whose session then passes the idle limit. */
  async function expiredOnCasePage() {
    const lead = await makeUser({ role: 'consultant' });
    const kase = await makeCase(config, { lead });
    const agent = await signInAs(app, lead);
    const page = await agent.get(`/cases/${kase.id}`).expect(200);
    const backdated = await editSessionsOf(ctx.db.knex, lead.id, (data) => {
      data.lastSeenAt = Date.now() - 31 * 60_000;
    });
    assert.equal(backdated, 1);
    return { lead, kase, agent, csrf: csrfTokenOf(page.text) };
  }

  it('POST /cases/:id/notes, after the idle limit, answers the sign-in form (401) and stores nothing; after signing in, the case page shows the note typed', async () => {
    const { lead, kase, agent, csrf } = await expiredOnCasePage();
    const note = 'Called the board chair: they want to start in March & keep the <agenda> short.';
    const res = await agent
      .post(`/cases/${kase.id}/notes`)
      .set('Referer', `${config.publicUrl}/cases/${kase.id}`)
      .type('form')
      .send(encodeForm({ _csrf: csrf, body: note }));
    assert.equal(res.status, 401);
    assert.match(res.text, /Your session ended before your form was sent/);
    assert.match(res.text, new RegExp(`<input type="hidden" name="next" value="/cases/${kase.id}">`));
    assert.ok(!res.text.includes('<agenda>') && !res.text.includes('&lt;agenda&gt;'), 'the sign-in page carries the typed text');
    assert.equal(await countFor(ctx.db.knex, 'case_notes', kase.id), 0);

    const signedIn = await agent
      .post('/login')
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(res.text), email: lead.email, password: lead.password, next: `/cases/${kase.id}` }));
    assert.equal(signedIn.status, 303, signedIn.text.slice(0, 500));
    assert.equal(signedIn.headers.location, `/cases/${kase.id}`);
    const back = await agent.get(signedIn.headers.location).expect(200);
    assert.equal(shownValue(back.text, 'note'), note);
    assert.match(back.text, /What you typed is in its box below/);
    assert.equal(await countFor(ctx.db.knex, 'case_notes', kase.id), 0, 'the kept note was saved without being sent again');

    // Shown once: the next visit is the plain page.
    const again = await agent.get(`/cases/${kase.id}`).expect(200);
    assert.equal(shownValue(again.text, 'note'), '');
  });

  it('POST /cases/:id/messages, after the idle limit and with no Referer, still leads back to the case with the message typed', async () => {
    const { lead, kase, agent, csrf } = await expiredOnCasePage();
    const res = await agent
      .post(`/cases/${kase.id}/messages`)
      .type('form')
      .send(encodeForm({ _csrf: csrf, body: 'Would Tuesday suit you?' }));
    assert.equal(res.status, 401);
    const signedIn = await agent
      .post('/login')
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(res.text), email: lead.email, password: lead.password, next: `/cases/${kase.id}` }));
    assert.equal(signedIn.status, 303);
    const back = await agent.get(`/cases/${kase.id}`).expect(200);
    assert.equal(shownValue(back.text, 'body'), 'Would Tuesday suit you?');
    assert.equal(await countFor(ctx.db.knex, 'case_messages', kase.id), 0);
  });

  it('POST /cases/:id/engagements, after the idle limit, leads back to the engagement form with the typed values and adds nothing', async () => {
    const { lead, kase, agent, csrf } = await expiredOnCasePage();
    const page = `/cases/${kase.id}/engagements/new`;
    const res = await agent
      .post(`/cases/${kase.id}/engagements`)
      .set('Referer', `${config.publicUrl}${page}`)
      .type('form')
      .send(encodeForm({ ...engagementForm([lead], { date: daysFromToday(30), location: 'Capitol, room 12' }), _csrf: csrf }));
    assert.equal(res.status, 401);
    const signedIn = await agent
      .post('/login')
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(res.text), email: lead.email, password: lead.password, next: page }));
    assert.equal(signedIn.headers.location, page);
    const back = await agent.get(page).expect(200);
    assert.equal(shownValue(back.text, 'date'), daysFromToday(30));
    assert.equal(shownValue(back.text, 'location'), 'Capitol, room 12');
    assert.equal((await ctx.db.knex('engagements').where({ case_id: kase.id })).length, 0);
  });
});
