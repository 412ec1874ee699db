import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { csrfTokenOf, encodeForm, statusTokenOf, submitForm, testApp } from '../helpers/app';
import { requestForm, requestPayload } from '../helpers/factories';
import { escapeHtml, shownValue } from '../helpers/html';

const SCRIPT = '"><script>alert(1)</script>';

describeEachEngine('Public intake security: pages', (ctx) => {
  const { app } = testApp();

  describe('free text', () => {
    it('GET /status/:token, with markup in the title, needs and name, shows it as inert text', async () => {
      const form = requestForm({
        title: `Plan ${SCRIPT}`,
        needs: `Needs ${SCRIPT}\n<img src=x onerror=alert(2)>`,
        name: `Dana ${SCRIPT}`,
        outcomes: `<b>bold</b>`,
      });
      const { res, agent } = await submitForm(app, form);
      assert.equal(res.status, 303, res.text);
      const page = await agent.get(res.headers.location).expect(200);
      assert.ok(!page.text.includes('<script>alert(1)'), 'no live script');
      assert.ok(!page.text.includes('<img src=x'), 'no live image');
      assert.ok(!page.text.includes('<b>bold</b>'), 'no live markup');
      for (const text of [`Plan ${SCRIPT}`, `Dana ${SCRIPT}`, `<img src=x onerror=alert(2)>`, '<b>bold</b>']) {
        assert.ok(page.text.includes(escapeHtml(text)), `shows ${text} escaped`);
      }
    });

    it('POST /requests, with markup in the fields and a wrong e-mail, re-renders the form with the markup inert', async () => {
      const form = requestForm({
        title: SCRIPT,
        needs: `${SCRIPT}</textarea><script>alert(3)</script>`,
        name: SCRIPT,
        email: `${SCRIPT}@x`,
      });
      const { res } = await submitForm(app, form);
      assert.equal(res.status, 422);
      assert.ok(!res.text.includes('<script>alert('), 'no live script');
      assert.equal((res.text.match(/<\/textarea>/g) ?? []).length, 2, 'the text cannot close its textarea');
      assert.equal(shownValue(res.text, 'title'), SCRIPT);
      assert.equal(shownValue(res.text, 'name'), SCRIPT);
      assert.equal(shownValue(res.text, 'needs'), `${SCRIPT}</textarea><script>alert(3)</script>`);
    });
  });

  describe('the status page', () => {
    it('GET /status/:token, with an unknown token, answers 404 and is not cached', async () => {
      const res = await request(app).get(`/status/${crypto.randomBytes(32).toString('base64url')}`);
      assert.equal(res.status, 404);
      assert.match(res.text, /Page not found/);
      assert.match(res.headers['cache-control'], /no-store/);
      assert.equal(res.headers['referrer-policy'], 'same-origin');
    });

    it('GET /status/:token, with a malformed token, answers 404', async () => {
      for (const token of ['short', 'x'.repeat(101), '%3Cscript%3E' + 'a'.repeat(30)]) {
        const res = await request(app).get(`/status/${token}`);
        assert.equal(res.status, 404, token);
      }
    });

    it('GET /status/:token, with a real token, answers 200 with Cache-Control no-store, Referrer-Policy same-origin and noindex', async () => {
      const res = await request(app).post('/api/v1/requests').send(requestPayload()).expect(201);
      const page = await request(app).get(new URL(res.body.status_url).pathname);
      assert.equal(page.status, 200);
      assert.match(page.headers['cache-control'], /no-store/);
      assert.equal(page.headers['referrer-policy'], 'same-origin');
      assert.equal(page.headers['x-robots-tag'], 'noindex');
    });

    it('POST /status/:token/messages, from the page itself with Origin: null and Sec-Fetch-Site: same-origin, is accepted (303)', async () => {
      const res = await request(app).post('/api/v1/requests').send(requestPayload()).expect(201);
      const path = new URL(res.body.status_url).pathname;
      const agent = request.agent(app);
      const token = csrfTokenOf((await agent.get(path)).text);
      const post = await agent
        .post(`${path}/messages`)
        .set('Origin', 'null')
        .set('Sec-Fetch-Site', 'same-origin')
        .type('form')
        .send(encodeForm({ _csrf: token, body: 'Thank you!' }));
      assert.equal(post.status, 303);
      const crossSite = await agent
        .post(`${path}/messages`)
        .set('Origin', 'null')
        .set('Sec-Fetch-Site', 'cross-site')
        .type('form')
        .send(encodeForm({ _csrf: token, body: 'From elsewhere' }));
      assert.equal(crossSite.status, 403);
    });

    it('POST /api/v1/requests, for a new case, stores the status token only as its SHA-256', async () => {
      const res = await request(app).post('/api/v1/requests').send(requestPayload()).expect(201);
      const token = statusTokenOf(res.body.status_url);
      const row = await ctx.db.knex('cases').where({ reference: res.body.reference }).first();
      assert.equal(row.status_token_hash, crypto.createHash('sha256').update(token).digest('hex'));
      const stored = JSON.stringify([row, await ctx.db.knex('case_events').where({ case_id: row.id })]);
      assert.ok(!stored.includes(token), 'the token itself is stored nowhere');
    });

    it('GET /status/:token, with the stored hash used as the token, answers 404', async () => {
      const res = await request(app).post('/api/v1/requests').send(requestPayload()).expect(201);
      const row = await ctx.db.knex('cases').where({ reference: res.body.reference }).first();
      const page = await request(app).get(`/status/${row.status_token_hash}`);
      assert.equal(page.status, 404);
    });
  });

  describe('headers, landmarks and assets', () => {
    const pages = ['/', '/requests/new', '/requests/received', '/no-such-page'];

    for (const path of pages) {
      it(`GET ${path}, for anyone, has a CSP without inline script and the page landmarks`, async () => {
        const res = await request(app).get(path);
        assert.equal(res.status, path === '/no-such-page' ? 404 : 200);
        const csp = String(res.headers['content-security-policy']);
        const scriptSrc = /(?:^|;)\s*script-src ([^;]*)/.exec(csp)?.[1] ?? '';
        assert.equal(scriptSrc.trim(), "'self'", csp);
        assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
        assert.match(csp, /frame-ancestors 'none'/);
        assert.match(csp, /object-src 'none'/);
        assert.equal(res.headers['x-content-type-options'], 'nosniff');
        assert.equal(res.headers['x-powered-by'], undefined);
        assert.match(res.text, /<a class="usa-skipnav" href="#main-content">/);
        assert.match(res.text, /<main id="main-content"/);
        assert.match(res.text, /<header\b/);
        assert.match(res.text, /<footer\b/);
        assert.match(res.text, /<html lang="en">/);
        // The CSP allows no inline script or style, so the page must not rely on any.
        assert.ok(!/<script(?![^>]*\ssrc=)[^>]*>/.test(res.text), 'no inline <script>');
        assert.ok(!/\sstyle="/.test(res.text) && !/<style\b/.test(res.text), 'no inline style');
        assert.ok(!/\son[a-z]+="/.test(res.text), 'no inline event handler');
      });
    }

    it('GET /status/:token, for the holder of the link, has the page landmarks and the CSP', async () => {
      const res = await request(app).post('/api/v1/requests').send(requestPayload()).expect(201);
      const page = await request(app).get(new URL(res.body.status_url).pathname).expect(200);
      assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
      assert.match(page.text, /<a class="usa-skipnav" href="#main-content">/);
      assert.match(page.text, /<main id="main-content"/);
    });

    const assets: [string, RegExp][] = [
      ['/uswds/css/uswds.min.css', /text\/css/],
      ['/public/css/app.css', /text\/css/],
      ['/uswds/js/uswds-init.min.js', /javascript/],
      ['/uswds/js/uswds.min.js', /javascript/],
      ['/public/js/app.js', /javascript/],
    ];
    for (const [path, type] of assets) {
      it(`GET ${path}, as linked from the layout, answers 200 with its content type`, async () => {
        const res = await request(app).get(path);
        assert.equal(res.status, 200);
        assert.match(res.headers['content-type'], type);
        assert.ok(Number(res.headers['content-length'] ?? res.text?.length ?? 0) > 0);
      });
    }

    it('GET /, for anyone, links only to scripts and styles that are served', async () => {
      const page = await request(app).get('/').expect(200);
      const links = [...page.text.matchAll(/<(?:script|link)\b[^>]*\s(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]);
      assert.ok(links.length >= 4, `found ${links}`);
      for (const link of links) {
        const res = await request(app).get(link);
        assert.equal(res.status, 200, link);
      }
    });

    it('GET /uswds/../package.json, trying to leave the asset folder, answers 404', async () => {
      const res = await request(app).get('/uswds/%2e%2e/package.json');
      assert.equal(res.status, 404);
    });
  });
});
