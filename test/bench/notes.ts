/**
 * Why a route misses its target: what was measured (CPU profiles of the server under load, each
 * query timed on the L data, EXPLAIN QUERY PLAN), what was fixed, and what still costs. Shown in
 * REPORT.md only next to a missed target; @NAME@ marks are filled in from the run's own figures
 * (report.ts). Update them when the code changes.
 */
export const NOTES: Record<string, string> = {
  fixed: [
    '**Throughput of every signed-in page (¼ of Express).** Express 5 answers its hello-world in about 0.11 ms of one core, so a quarter of its rate leaves about 0.45 ms of the server\'s core, 4× what its hello-world takes, for everything a signed-in page does.',
    'The ladder at S shows what this stack costs before a page does any work of its own (column "server CPU a request"): a page in the layout without sign-in, through helmet, both body parsers, cookie-parser, express-session, CSRF and the view engine, @ANON@; the same page signed in, @SIGNED@.',
    'Signing in adds one query (the session, its user and the data version, read together), the HMACs of the session cookie and of the CSRF token, and the garbage they leave. node-sqlite3 runs every statement on a libuv worker thread, so on the one pinned core each query is also two thread switches.',
    'Every staff page of the issue is now rendered once per data version and user and kept (server/handlers/cached-page.ts), so a view costs that fixed part plus sending its bytes: 100–120 KB for the dashboard and the busiest case, and on loopback the kernel\'s receiving work lands on the server\'s core too.',
    'Also fixed in this round: express-handlebars gave way to a precompiled engine (server/views.ts), pino-http\'s child logger per request and the ETag hash of every body are gone, the session, its user and the data version are one query instead of three, and the SQLite connection reuses its prepared statements.',
    'What is left between the signed-in floor and ¼ is the fixed part itself. Closing it would take either no database round trip per request (sessions held in the process, so that a signed-out session would live on in the other instances of a PostgreSQL deployment) or a lighter framework than Express 5 with express-session.',
    'Neither is a trade worth making for throughput this product does not need: LEEP has a few dozen staff, and one core serves about a thousand signed-in pages a second at a p99 well under the 100 ms target.',
  ].join(' '),
  dashboard: [
    '**Dashboard at L.** Kept per data version and user: a view renders the layout and sends 119 KB.',
    'The first view after a change computes the figures again, @DASHCOLD@ at L (column "one request after a write"); the coverage by jurisdiction and the topic and consultant breakdowns are most of it.',
    'Before this round that first view took 31 s: the feedback by format joined a distinct list of (case, format) pairs that SQLite scanned once per completed case. It is now one index seek per case (60 ms).',
  ].join(' '),
  'dashboard-growth': '**Dashboard growth S → L.** A kept view costs the fixed part plus its bytes, which grow with what the page lists (56 jurisdictions served at L against 16 at S, 100 consultants against 12): 68 KB at S, 119 KB at L.',
  state: '**State page at L.** Kept per data version and user; a view sends 88 KB (a page of 100 engagements and 100 cases). After a change the state\'s history is read again (column "one request after a write").',
  case: '**Case page at L.** Kept per data version and user; a view sends 100 KB for the busiest case (36 engagements; the assignment form lists every consultant twice). After a change its 25 queries run again (column "one request after a write").',
  cases: '**Case list at L.** Kept per data version and user, and at most a minute, since ages in business days move with the clock; a view sends 28 KB. The rest is the fixed part described above.',
  csv: '**Coverage CSV.** Kept per data version: a view is the fixed part described above plus 3.6 KB.',
  intake: [
    '**Intake (⅛ of Express).** ⅛ of Express allows about 0.9 ms of the server\'s core per submission; one costs @INTAKE@.',
    'The service alone (`submitRequest` on the L data on one core, without HTTP) takes about 1.5 ms. An empty knex transaction is 0.33 ms on SQLite (BEGIN and COMMIT themselves are 0.13 ms; the rest is knex building its transaction object), and the case row with its ten indexes is about 0.3 ms. The two e-mails are rendered and written to the outbox in the same transaction (0.3 ms), so that none is lost.',
    'Fixed in this round: the notifier no longer reads back the case just written, both messages are one insert, the Intl formatter and the status-token key are made once, and statements are prepared once.',
    'Reaching ⅛ would take the intake off knex (raw statements on one connection) and fewer indexes on cases. I left it: several hundred submissions a second on one core is far beyond a program that receives a few requests a day.',
  ].join(' '),
  generation: '**Generating L.** A quadratic de-duplication in `generateDemo` took most of the 100 s; with a Set it takes about 20 s.',
  memory: '**Memory (250 MB).** npm start (and the bench) runs node with `--max-old-space-size=160`, passwords are hashed with OWASP\'s N=2^15, p=3 setting (32 MiB a hash), at most two at a time, and kept pages are bounded at 24 MB.',
};
