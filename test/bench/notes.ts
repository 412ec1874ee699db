/**
 * The design notes of REPORT.md. They hold no figures of their own: @NAME@ marks are filled in
 * from the run (report.ts), so every number in the report comes from the run that wrote it.
 */
export const NOTES: Record<string, string> = {
  design: [
    '**Design: roll-up tables, chosen over single-pass aggregates.** Measured on the L data before choosing: with covering indexes alone, every figure of the dashboard is a scan of the delivered engagements (or of their jurisdiction, topic and consultant rows), and the page needs about twenty of them, so its first view cost whole seconds on SQLite.',
    "`report_rollups` (migration 2026120517001) holds, per month × year × track, the delivered engagements, minutes, participants and first and last dates by format, by jurisdiction, by topic and by consultant, and the engagements listing at least one state, territory, topic or consultant. The dashboard, the coverage CSV and the API read them for the whole months of a period and read the raw rows only for the days of a month cut by the period's start or end (server/services/report-figures.ts). Since migration 2026120521002 the format, topic, consultant, any-topic and any-consultant rows exist also per jurisdiction (the engagements listing it), so a dashboard filtered by a state, and the state page's consultants, read a few hundred roll-up rows instead of joining every engagement of the state. A filter the roll-ups do not break down (format, topic or consultant) is counted from the raw rows. Since migration 2026120600002 `report_rollup_years` holds the rows over all engagements summed by calendar year, from the month rows, in the same transaction: a period of whole years reads one row a year, and only the months before and after them from the month rows.",
    'The case figures (response times, assignments, feedback) are read from covering indexes of the cases (migration 2026120521003), never from the wide case rows; the response-time median and 90th percentile are ranked by the database, which sends back two values instead of a row per case.',
    "They are kept in the transaction of every engagement change, by one hook that `noteEngagementChange` (and the import) call: each delivered engagement's signature (everything it adds to a figure) is compared with the one kept in `report_engagement_marks`, and only the (month, track) cells of the engagements that changed are counted again from the raw rows, so the kept roll-ups equal a rebuild by construction. `npm run cli -- reports:rebuild` makes them again from the raw rows; test/integration/report-rollups.test.ts proves equality after random sequences of changes.",
  ].join(' '),
  removed: [
    '**Removed: the kept pages, the figures cache, the data version and its 29 triggers, and the node-sqlite3 statement patch.** Every page and CSV above is computed on each request; the first-view and mixed-load tables are measured without any of them.',
    'SQLite now gathers its planner statistics when the connection opens (`ANALYZE` with a sample limit): without them it read every delivered engagement for a few days of one month or for one state instead of the narrow index.',
  ].join(' '),
  csv: [
    '**The whole-history CSV exports.** /reports/engagements.csv and /reports/cases.csv without filters stream every engagement (every case) since 2017, one page of rows at a time: at L that is @CSVENGSQLITE@ on SQLite and @CSVENGPG@ on PostgreSQL for the engagements, @CSVCASESSQLITE@ and @CSVCASESPG@ for the cases.',
    "Each page starts after the last row of the one before, by a row value on an index that ends with the id (migration 2026120521001): PostgreSQL used to filter every earlier row for each page, which made a whole-history export quadratic. An export filtered by a state pages through that state's own index. The jurisdictions, consultants and topics of a page are read in three queries for the whole page.",
    'Their time grows with the bytes they send, not with a query that could be made cheaper, so they cannot meet a fixed first-view limit at every size; the mixed load asks for them filtered, as the dashboard links to them.',
  ].join(' '),
  import: [
    '**The import.** A file is checked row by row as it is read (the parser drops each record once checked), and then written in one transaction, a batch of 500 cases at a time with a few statements per table for the batch (accounts, cases with a block of references per year, their topics and events, the engagements with their import keys, consultants, states and topics): it used to be about ten statements a row.',
    "What was imported before is looked up in chunks of 500 keys. On SQLite the triggers that keep an engagement's states' copies of its status, date and year rewrite a row only when it was given other values (migration 2026120600001), so the import no longer writes every state row twice. The app goes on serving while it runs: readers see none of the file until it commits.",
  ].join(' '),
};
