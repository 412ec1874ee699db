import assert from 'node:assert/strict';
import path from 'node:path';
import { createViewEngine, helpers } from '../../server/views';
import { VIEWS_DIR } from '../../server/paths';

const render = (engine: ReturnType<typeof createViewEngine>, view: string, locals: Record<string, unknown>) =>
  new Promise<string>((resolve, reject) =>
    engine(path.join(VIEWS_DIR, view), locals, (err, html) => (err ? reject(err) : resolve(html as string))),
  );

describe('The view engine', () => {
  for (const cache of [true, false]) {
    it(`renders a page inside the main layout, and alone with layout: false (${cache ? 'compiled once' : 'development, read afresh'})`, async () => {
      const engine = createViewEngine({ timeZone: 'America/New_York' }, { cache });
      for (let i = 0; i < 2; i += 1) {
        const page = await render(engine, 'pages/requests/received.hbs', { title: 'Request received' });
        assert.match(page, /^<!doctype html>/);
        assert.match(page, /<title>Request received \| LEEP TA Tracker<\/title>/);
        assert.match(page, /<header class="usa-header/, 'the header partial (layout/header) is rendered');
        const alone = await render(engine, 'pages/requests/received.hbs', { title: 'Request received', layout: false });
        assert.doesNotMatch(alone, /<html|<header/);
        assert.ok(page.includes(alone), 'the layout holds the page as rendered alone');
      }
    });
  }

  it('answers a missing view with an error, not a crash', async () => {
    const engine = createViewEngine({ timeZone: 'America/New_York' }, { cache: true });
    await assert.rejects(render(engine, 'pages/no-such-page.hbs', {}), /ENOENT/);
  });

  it("helpers: a calendar date without a time-zone shift, numbers with separators, timestamps in the program's zone", () => {
    const h = helpers({ timeZone: 'America/New_York' });
    assert.equal(h.calendarDate('2027-03-15'), 'Mar 15, 2027');
    assert.equal(h.calendarDate('not a date'), '');
    assert.equal(h.number(1234567), '1,234,567');
    assert.equal(h.date('2026-01-01T03:00:00Z'), 'Dec 31, 2025');
  });

  it("helpers: one human format for a moment, in the program's zone, in winter and summer, and for a stored day and local time", () => {
    const h = helpers({ timeZone: 'America/New_York' });
    assert.equal(h.dateTime('2026-12-03T19:00:00Z'), 'Dec 3, 2026, 2:00 PM ET');
    assert.equal(h.dateTime('2026-07-04T00:05:00Z'), 'Jul 3, 2026, 8:05 PM ET');
    assert.equal(h.dateAndTime('2026-12-03', '14:00'), 'Dec 3, 2026, 2:00 PM ET');
    assert.equal(h.dateAndTime('2026-12-03', '00:30'), 'Dec 3, 2026, 12:30 AM ET');
    assert.equal(h.dateAndTime('2026-12-03', '12:00'), 'Dec 3, 2026, 12:00 PM ET');
    assert.equal(h.dateAndTime('2026-12-03', null), 'Dec 3, 2026');
    assert.equal(helpers({ timeZone: 'America/Chicago' }).dateTime('2026-12-03T19:00:00Z'), 'Dec 3, 2026, 1:00 PM CT');
    assert.equal(helpers({ timeZone: 'UTC' }).dateTime('2026-12-03T19:00:00Z'), 'Dec 3, 2026, 7:00 PM UTC');
  });
});
