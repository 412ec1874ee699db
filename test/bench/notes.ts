/**
 * Why a route misses its target. The first full run (commit ac68569) was analysed route by route
 * (each query timed, EXPLAIN QUERY PLAN on the L data); the fixes it led to are listed first,
 * then what still costs. Shown in REPORT.md only next to a missed target. Update them when the
 * code changes.
 */
export const NOTES: Record<string, string> = {
  fixed: [
    '**Throughput of every page (¼ of Express).** What a request costs before a page does any work of its own (the middleware stack: pino-http, helmet, both body parsers, cookie-parser, express-session, CSRF) already holds a bare page rendered in the layout to about 0.27 of Express hello-world, and the same page signed in (session row and user) to about 0.18 (measured at S in the first run; see the ladder above).',
    'So ¼ of Express is out of reach for any signed-in page in this design, whatever its own queries cost. A CPU profile of the signed-in bare page puts about a quarter of its CPU in Handlebars rendering the layout and partials, then pino-http (a child logger per request), express-session, helmet, the CSRF HMAC and garbage collection.',
    'What would cut the fixed part next: reference data (jurisdictions, topics, user names) and the signed-in user kept in memory under the figures-cache version instead of read on every request; pino-http without a child logger per request.',
  ].join(' '),
  dashboard: [
    '**Dashboard at L.** In the first run it took 7.2 s under 10 clients (720 ms alone): three feedback summaries were computed on every request, and every cold aggregate read a table row of engagements and of cases for each of ~190,000 delivered engagements.',
    'Fixed since (commit 7971476): the feedback summaries are cached with the figures; the aggregates join cases only when they read its columns and run on a covering index of engagements (status, date, year, format, duration, participants, case).',
    'What remains is the cached page itself: checking the data version (a handful of index lookups) and rendering 117 KB of HTML (the coverage table lists all 56 jurisdictions, and the breakdowns every topic and consultant) on the one core, and the first request after a write, which recomputes the figures.',
    'Next: cache the rendered page per data version, and a finer version (a new request without a delivered engagement changes none of the engagement figures).',
  ].join(' '),
  'dashboard-growth': [
    '**Dashboard growth S → L.** The cached page grows with what it lists (56 jurisdictions served at L against 16 at S, 100 consultants against 12): the HTML grows from 68 to 117 KB, and rendering is most of the cost of a cached request.',
    'The first run grew 94× because of the uncached feedback summaries and the table lookups described above.',
  ].join(' '),
  state: [
    '**State page at L.** The first run read the whole of engagement_jurisdictions to page a state (no index led with jurisdiction_code) and summed from table rows; it now pages in the order of an index on engagement_jurisdictions(jurisdiction_code, date, engagement_id), and the history is cached per data version (commit after 7971476).',
    'What remains under load is rendering a page of a hundred engagements and a hundred cases (88 KB) and, after any write, the state\'s summary queries again.',
  ].join(' '),
  case: [
    '**Case page at L.** For the busiest case (36 engagements, 100 KB of HTML) `renderCase` makes about 25 queries; the open-case workload now reads an index on cases(status, lead_consultant_id), and names come from a light users query.',
    'It still reads the jurisdictions list and user_topics twice and computes assignment suggestions (open load per consultant, earlier work per jurisdiction) on every view; caching those per data version, and the reference data, is the next step. The HTML itself (every consultant listed twice in the assignment form) is a large part of the cost.',
  ].join(' '),
  cases: '**Case list at L.** The count and the page join jurisdictions for the state name; the count needs no join without a jurisdiction-name filter. The rest is the fixed cost described above.',
  csv: '**Coverage CSV.** Served from the dashboard\'s cached figures: cheap while nothing changes; the first export after a write recomputes the figures.',
  intake: [
    '**Intake (⅛ of Express).** One submission is 9 statements on the one SQLite connection (topics, the reference counter upsert, the case, its topics, its event, a re-read of the case, the directors\' addresses, two outbox inserts), and the transaction holds that connection while both e-mails are rendered.',
    'Rendering the mail and reading the directors\' addresses before the transaction, and caching the active topics, would shorten it; ⅛ of Express (about 1 ms a submission with the fixed costs above) still looks out of reach on one core.',
  ].join(' '),
  generation: '**Generating L.** A quadratic de-duplication in `generateDemo` took most of the 100 s; with a Set it takes about 20 s.',
  memory: [
    '**Memory (250 MB).** Fixed since the first run (878 MB): npm start (and the bench) runs node with `--max-old-space-size=160`, and passwords are hashed with OWASP\'s N=2^15, p=3 setting (32 MiB a hash instead of 128), at most two at a time.',
    'The peak that remains is the first sign-in\'s hash on top of the heap (the resident size after start and one sign-in is shown per size above); hashing one at a time, or a smaller heap limit, would take it under 250 MB.',
  ].join(' '),
};
