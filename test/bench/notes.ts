/**
 * Why a route misses its target: findings from reading the route's code, timing each of its
 * queries (knex 'query' events, one request at a time) and EXPLAIN QUERY PLAN on the L data.
 * Written against commit ac68569 (2026-11-23); shown in REPORT.md only next to a missed target.
 * Update them when the code changes.
 */
export const NOTES: Record<string, string> = {
  fixed: [
    '**Throughput of every page (¼ of Express).** The ladder at S shows what a request costs before a page does any work of its own: `GET /healthz` (the middleware stack: pino-http, helmet, both body parsers, cookie-parser, express-session, CSRF, plus `select 1`) and a bare page rendered in the layout each reach about 0.27 of Express hello-world, and the same bare page signed in (session row, `select * from users where id = ?`, menu) about 0.18.',
    'So ¼ of Express is out of reach for any signed-in page in this design, whatever its own queries cost; a realistic target is a ratio to the signed-in bare page (a page whose own work costs as much again as the fixed part reaches half of it).',
    'A CPU profile of the signed-in bare page under load puts about a quarter of the CPU in Handlebars rendering the layout and partials, then pino-http (a child logger per request even at LOG_LEVEL=warn), express-session with the database store, helmet (twelve middlewares), the CSRF token HMAC, and about 10 % in garbage collection.',
    'What would cut the fixed part: keep reference data in process memory under the figures-cache version (every staff page reads `select * from jurisdictions order by name`, `select * from topics …`, `select * from users order by name` and `select user_id, topic_id from user_topics`; the case page reads jurisdictions and user_topics twice and the user list three times); keep the signed-in user in the session or an LRU keyed by id instead of `select * from users where id = ?` per request; set pino-http `autoLogging: false` (or `quietReqLogger`) unless debugging.',
  ].join(' '),
  dashboard: [
    '**Dashboard at L (7.2 s mean under 10 clients; 720 ms for one request alone).** The figures are cached per data version (`dashboardFiguresCached`), but the three feedback summaries are not: `dashboard()` in server/handlers/report.handlers.ts calls `feedbackSummary(filters, "all" | "format" | "consultant")` (server/queries/feedback.queries.ts) on every request.',
    'At L "by format" takes about 290 ms and "by consultant" about 430 ms: EXPLAIN QUERY PLAN shows `MATERIALIZE cf` / `MATERIALIZE cc` — `SEARCH engagements USING INDEX engagements_status_date_index (status=?)` over all ~190,000 delivered engagements (joined with engagement_consultants for "cc") into a `TEMP B-TREE FOR DISTINCT`, before the join on the period\'s completed cases, then temp B-trees for GROUP BY and each count(DISTINCT).',
    'On the one SQLite connection these 720 ms serialize every other request (10 clients → 7 s each).',
    'Fix 1 (largest): compute the three summaries inside the cached figures (the version already includes `max(feedback.id)`); the cached dashboard is then about as cheap as at S. Fix 2: drive them from the period\'s completed cases (`cases_status_submitted_at_index` is not usable for closed_at: add an index on cases(status, closed_at)) with `EXISTS (select 1 from engagements e where e.case_id = c.id and e.status = \'delivered\' and e.format = f.format)` over the three formats, and an index on engagements(case_id, status, format).',
  ].join(' '),
  'dashboard-growth': [
    '**Dashboard growth S → L.** Two causes: the uncached feedback queries above (linear in delivered engagements), and the cold computation after any write.',
    'Every new case or timeline event changes the cache version, so the first dashboard after a submission recomputes everything: 3.5-4 s at L ("one request after a write"), against 20-30 ms at S.',
    'Of those 3.5 s, each aggregate in `dashboardFigures` takes 250-575 ms: totals 258 ms, coverage by jurisdiction 575 ms, by year 275, track 284, format 277, topic 497, consultant 523 ms.',
    'EXPLAIN QUERY PLAN for each: `SEARCH e USING INDEX engagements_status_date_index (status=? AND date>? AND date<?)` then `SEARCH c USING INTEGER PRIMARY KEY` — a table lookup into engagements (for duration, participants, year, format) and one into cases (for the join in `deliveredEngagements`) for each of ~190,000 rows, then a temp B-tree for GROUP BY.',
    'As FIELD-NOTES measured (0.6 s → 0.02-0.06 s), a covering index does it: engagements(status, date, year, format, duration_minutes, participant_count, case_id); join cases only when a track filter is set (or store track on engagements, as status/date/year are stored on engagement_jurisdictions); for coverage by jurisdiction, store duration_minutes and participant_count on engagement_jurisdictions and index (status, date, jurisdiction_code, duration_minutes, participant_count).',
    'Also make the version finer: a new request (no delivered engagement) changes none of the engagement figures, yet invalidates them all.',
  ].join(' '),
  state: [
    '**State page at L (/states/OH, 1.7 s mean under 10 clients, about 180 ms alone, of which 167 ms in SQL).** `stateHistory` (server/services/state.service.ts) runs, for OH at L:',
    'the served summary, 52 ms (`engagement_jurisdictions_status_jurisdiction_code_date_index` then a rowid lookup into engagements per delivered row, for the sums);',
    '`count(*) from engagement_jurisdictions where jurisdiction_code = ?`, 13 ms, and the page of engagements, 48 ms: both `SCAN … USING COVERING INDEX sqlite_autoindex_engagement_jurisdictions_1` — the whole table, because no index leads with jurisdiction_code when status is not given — and the page query sorts every OH row in a temp B-tree before its LIMIT 100;',
    'the consultants of the state, 50 ms.',
    'Fix: an index on engagement_jurisdictions(jurisdiction_code, date, engagement_id) and ordering by `ej.date` (stored there) so that the LIMIT stops early; cache the served summary and the consultants under the figures-cache version (they change only with engagements).',
  ].join(' '),
  case: [
    '**Case page at L (p99 about 340 ms, 76 req/s; 60 ms alone for the busiest case, 36 engagements, 100 KB of HTML).** `renderCase` makes 25 queries, several of them twice: `select * from jurisdictions order by name` (in `caseDetail` and `engagementsForPage`), `select user_id, topic_id from user_topics` and the open-case workload `select lead_consultant_id, count(*) from cases where status in (…) and lead_consultant_id is not null group by lead_consultant_id` (2-2.5 ms each at L: `SEARCH cases USING INDEX cases_status_submitted_at_index (status=?)` plus a table lookup per row and a temp B-tree for GROUP BY — an index on cases(status, lead_consultant_id) makes it covering), and the users list three times.',
    'The p99 spikes are most likely garbage collection: while the case page was loaded the server\'s resident memory rose from about 230 MB to 820 MB (at S too), so it allocates heavily per request (the page, the timeline descriptions, the suggestions); a heap profile of this route is the next step.',
  ].join(' '),
  cases: '**Case list at L.** 9 queries; the two that grow with the data are `select count(*) from cases inner join jurisdictions …` (3 ms at L: `SCAN cases USING COVERING INDEX cases_jurisdiction_code_index`; the join is not needed without a jurisdiction-name filter) and the workload count above (2-2.6 ms; index cases(status, lead_consultant_id)).',
  csv: '**Coverage CSV.** Served from the dashboard\'s cached figures: cheap while nothing changes, but the first export after any write recomputes every dashboard figure (2.9 s at L, see the dashboard growth).',
  intake: [
    '**Intake (⅛ of Express).** One submission is 9 statements on the one SQLite connection — `select * from topics where slug in (…)`, the counter upsert, the case insert, case_topics, case_events, a re-read of the case with its jurisdiction, `select email from users where role = ? and active = ?`, and two outbox inserts — and the transaction holds that connection while both e-mails are rendered (Handlebars) in JavaScript, so nothing else can run meanwhile.',
    'About 2.5 ms of the server\'s core per submission at 10 clients. Render the mail and read the directors\' addresses before the transaction (only the reference needs to go in afterwards), and cache the active topics under the version; ⅛ of Express (about 1 ms per submission with the fixed costs above) still looks out of reach on one core.',
  ].join(' '),
  generation: [
    '**Generating L.** Most of the time goes to one line of `generateDemo` (seeds/demo.ts): `engConsultants.filter((e, i, all) => all.findIndex((x) => x.engagement_id === e.engagement_id && x.user_id === e.user_id) === i)`, quadratic in the ~225,000 facilitator rows.',
    'With a Set of `${engagement_id}:${user_id}` keys instead (same 225,322 rows), L took 17 s instead of 100 s in the same process (measured); `--reuse-data` copies a cached file meanwhile.',
  ].join(' '),
  memory: [
    '**Memory (250 MB).** Two things: (1) one sign-in hashes with scrypt at N=2^17, r=8, which allocates 128 MiB: resident memory goes from about 110 MB to a 255 MB peak (VmHWM) at the very first sign-in, before any page load, and four sign-ins at once (libuv\'s four threads) would take 512 MiB more.',
    '(2) Under load the heap grows to 800 MB-1 GB because V8\'s default old-space limit here is about 4 GB (24 GB of RAM) and nothing asks it to collect sooner; it is not a leak: with `--max-old-space-size=128` the same S load ran with no error and stayed under 280 MB resident.',
    'To hold 250 MB: start node with `--max-old-space-size=160` (or NODE_OPTIONS), allow one scrypt hash at a time (a semaphore around hashing, which also protects the thread pool that sqlite3 shares), and find what the case page allocates.',
  ].join(' '),
};
