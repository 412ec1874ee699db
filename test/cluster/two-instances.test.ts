import assert from 'node:assert/strict';
import { createEngagement } from '../../server/services/engagement.service';
import { makeUser } from '../helpers/auth';
import { Browser, Cluster, csrfOf, describeCluster, startCluster, tag } from '../helpers/cluster';
import { engagementForm, makeCase, today } from '../helpers/engagements';
import { apiRequest, submit } from '../helpers/resilience';
import { loadConfig } from '../../server/config';

describeCluster(
  'Two instances on one PostgreSQL behind nginx: sessions, fresh pages, shared limits, edit conflicts [postgres, nginx]',
  function () {
    let cluster: Cluster;
    let director: Awaited<ReturnType<typeof makeUser>>;
    const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'http://leep.test' });

    before(async function () {
      this.timeout(180_000);
      cluster = await startCluster({ env: { INTAKE_RATE_LIMIT: '10' } });
      director = await makeUser({ role: 'director', name: 'Dana Reyes' });
    });

    after(async function () {
      this.timeout(60_000);
      await cluster?.stop();
    });

    const [a, b] = [0, 1].map((i) => () => cluster.instances[i].url);

    it("a session made through one instance is honoured by the other; signing out on one ends it on both; a director's change shows at once on a page the other served before", async function () {
      this.timeout(60_000);
      // Signed in through nginx: whichever instance took it, both know the session.
      const browser = new Browser();
      await browser.signIn(cluster.url, director.email, director.password);
      for (const url of [a(), b()]) assert.equal((await browser.get(`${url}/cases`)).status, 200, `signed in on ${url}`);

      const kase = await makeCase(config, { title: `Cluster case ${tag()}` });
      // B renders (and keeps) the case page; then a director adds a note through A.
      const before = await browser.get(`${b()}/cases/${kase.id}`);
      assert.equal(before.status, 200);
      const note = `Visible everywhere ${tag()}`;
      assert.doesNotMatch(before.text, new RegExp(note));
      const saved = await browser.post(`${a()}/cases/${kase.id}/notes`, { _csrf: csrfOf(before.text), body: note });
      assert.equal(saved.status, 303, saved.text.slice(0, 500));
      const afterB = await browser.get(`${b()}/cases/${kase.id}`);
      assert.match(afterB.text, new RegExp(note), 'the page B serves shows the note added through A');
      assert.match((await browser.get(`${cluster.url}/cases/${kase.id}`)).text, new RegExp(note), 'and so does the page through nginx');

      // Signing out on B ends the session on A (and through nginx), even for a copy of its cookie
      // kept in another tab: the session itself is gone, not just the browser's cookie.
      const kept = browser.cookie;
      const out = await browser.post(`${b()}/logout`, { _csrf: csrfOf(afterB.text) });
      assert.equal(out.status, 303);
      for (const url of [a(), b(), cluster.url]) {
        const res = await fetch(`${url}/cases`, { redirect: 'manual', headers: { Cookie: kept, Accept: 'text/html' } });
        const text = await res.text();
        assert.ok([303, 401].includes(res.status), `signed out on ${url}: ${res.status}`);
        assert.ok(res.status === 303 ? /\/login/.test(res.headers.get('location') ?? '') : /Sign in/i.test(text), `${url} asks to sign in`);
      }
    });

    it('the intake limit of 10 a minute holds across both instances: 10 submissions spread over them are accepted, the 11th through either answers 429', async function () {
      this.timeout(60_000);
      await cluster.knex('rate_limits').del();
      const statuses: number[] = [];
      for (let i = 0; i < 10; i += 1) statuses.push((await submit(i % 2 ? b() : a(), apiRequest(`Within the limit ${i}`))).status);
      assert.deepEqual(statuses, Array(10).fill(201));
      // nginx passes the client's address on (X-Forwarded-For); the instances count it together.
      for (const url of [a(), b(), cluster.url])
        assert.equal((await submit(url, apiRequest('Over the limit'))).status, 429, `the 11th through ${url}`);
      const [{ n }] = await cluster.knex('cases').where({ title: 'Over the limit' }).count({ n: '*' });
      assert.equal(Number(n), 0, 'nothing over the limit was stored');
    });

    it("20 concurrent edits of one engagement through both instances: each save wins or gets 409 (then saves again over what it was shown), none is lost, the final row is the last winner's and the timeline has one event per winner", async function () {
      this.timeout(120_000);
      const kase = await makeCase(config, { lead: director, director, title: `Concurrent edits ${tag()}` });
      const id = await createEngagement(
        kase.id,
        { ...formPayload(director.id), summary: 'first' },
        { id: director.id, role: 'director' },
        { timeZone: config.timeZone },
      );
      // 20 people (10 on each instance), each with the edit form open at the same version.
      const editors = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const browser = new Browser();
          await browser.signIn(i % 2 ? b() : a(), director.email, director.password);
          const form = await browser.get(`${i % 2 ? b() : a()}/engagements/${id}/edit`);
          assert.equal(form.status, 200);
          return {
            i,
            browser,
            url: i % 2 ? b() : a(),
            csrf: csrfOf(form.text),
            version: /name="version" value="(\d+)"/.exec(form.text)?.[1] ?? '',
          };
        }),
      );
      assert.ok(
        editors.every((e) => e.version === '1'),
        'every form was opened at version 1',
      );
      const winners: string[] = [];
      let conflicts = 0;
      await Promise.all(
        editors.map(async (e) => {
          let version = e.version;
          // A refused save is looked at and saved again, as the message asks: at most three times.
          for (let attempt = 0; attempt < 3; attempt += 1) {
            const summary = `edit ${e.i} try ${attempt}`;
            const res = await e.browser.post(`${e.url}/engagements/${id}`, {
              ...engagementForm([director], { summary, date: today(), status: 'scheduled' }),
              _csrf: e.csrf,
              version,
            });
            if (res.status === 303) {
              winners.push(summary);
              return;
            }
            assert.equal(res.status, 409, res.text.slice(0, 1000));
            conflicts += 1;
            assert.match(
              res.text,
              /Saved by Dana Reyes at [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M [A-Z]+; review and save again\./,
            );
            assert.ok(res.text.includes(summary), 'the typed values are on the form again');
            version = /name="version" value="(\d+)"/.exec(res.text)?.[1] ?? '';
          }
        }),
      );
      assert.ok(winners.length >= 1, 'someone won');
      assert.ok(conflicts >= 1, 'concurrent saves at one version met a conflict');
      const row = await cluster.knex('engagements').where({ id }).first();
      const events = (await cluster.knex('case_events').where({ case_id: kase.id, kind: 'engagement.updated' }).orderBy('id'))
        .map((e) => JSON.parse(e.after_json))
        .filter((after) => Number(after.engagement_id) === id);
      assert.equal(events.length, winners.length, 'one timeline event per winning save');
      assert.deepEqual(events.map((e) => e.summary).sort(), [...winners].sort(), "each winner's summary is in the timeline");
      assert.equal(row.summary, events[events.length - 1].summary, 'the row holds the last winning save');
      assert.equal(Number(row.version), 1 + winners.length, 'the version counted each winning save once');
    });

    function formPayload(consultantId: number) {
      return {
        status: 'scheduled',
        date: today(),
        start_time: '10:00',
        duration_minutes: 60,
        format: 'small_group',
        consultant_ids: [consultantId],
        jurisdictions: ['OH'],
        topics: ['equity-lens'],
        participant_count: 3,
      };
    }
  },
);
