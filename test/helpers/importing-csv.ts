// CSV files for the import tests, built from the layout documented in README.md ("Importing historical records").

/** The header row, as README.md documents it (not read from the code, so the two are checked against each other). */
export const DOCUMENTED_COLUMNS = [
  'case_key',
  'track',
  'jurisdiction',
  'title',
  'requester_name',
  'requester_email',
  'organization_type',
  'organization_name',
  'topics',
  'submitted_date',
  'case_status',
  'lead_consultant_email',
  'engagement_date',
  'start_time',
  'duration_minutes',
  'format',
  'engagement_status',
  'participant_count',
  'participant_jurisdictions',
  'consultant_emails',
  'engagement_topics',
  'summary',
] as const;
export type Column = (typeof DOCUMENTED_COLUMNS)[number];
export type Row = Partial<Record<Column, string>>;

const quote = (v: string) => (/[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** A CSV file of these rows under the documented header (or other columns), as a spreadsheet saves it. */
export function toCsv(
  rows: Row[],
  options: { eol?: string; bom?: boolean; columns?: readonly string[]; quoteHeader?: boolean } = {},
): string {
  const columns = options.columns ?? DOCUMENTED_COLUMNS;
  const eol = options.eol ?? '\n';
  const header = columns.map((c) => (options.quoteHeader ? `"${c}"` : c)).join(',');
  const lines = [header, ...rows.map((r) => columns.map((c) => quote((r as Record<string, string | undefined>)[c] ?? '')).join(','))];
  return `${options.bom ? '\ufeff' : ''}${lines.join(eol)}${eol}`;
}

let sequence = 0;

/** A tag of letters and digits unique to this run, for case keys and e-mail addresses. */
export function uniqueTag(prefix = 'k'): string {
  sequence += 1;
  return `${prefix}${process.pid.toString(36)}${Date.now().toString(36)}${sequence}`;
}

/** One case row without an engagement; override any column. */
export function caseOnly(key: string, overrides: Row = {}): Row {
  return {
    case_key: key,
    track: 'ta',
    jurisdiction: 'OH',
    title: 'Equity lens for the strategic plan',
    requester_name: 'Dana Whitfield',
    requester_email: 'dana.whitfield@example.org',
    organization_type: 'state_board',
    organization_name: 'Ohio State Board of Education',
    topics: 'Applying an equity lens to policy',
    submitted_date: '2018-03-02',
    case_status: '',
    lead_consultant_email: '',
    ...overrides,
  };
}
