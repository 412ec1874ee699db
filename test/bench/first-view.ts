import { createCase } from './session';
import { median } from './load';

/** A staff page of the issue, as the first-view and mixed-load measurements load it. */
interface PageSpec {
  key: string;
  label: string;
  path: string;
  /** Right after an engagement was recorded as delivered too (the dashboard's figures move with it). */
  afterEngagement?: boolean;
}

/** The staff pages of issue 17's targets, for a data set's busiest case. */
export function staffPages(busiestCaseId: number, options: { csvPeriod?: string } = {}): PageSpec[] {
  const csv = options.csvPeriod ? `?${options.csvPeriod}` : '';
  return [
    { key: 'dashboard', label: 'Dashboard /dashboard', path: '/dashboard', afterEngagement: true },
    {
      key: 'dashboard-filtered',
      label: 'Dashboard, filtered (?from=2020-01-01&to=2023-12-31&track=ta&jurisdiction=OH)',
      path: '/dashboard?from=2020-01-01&to=2023-12-31&track=ta&jurisdiction=OH',
      afterEngagement: true,
    },
    { key: 'state', label: 'State page /states/OH', path: '/states/OH' },
    { key: 'csv-coverage', label: `/reports/coverage.csv${csv}`, path: `/reports/coverage.csv${csv}` },
    { key: 'csv-engagements', label: `/reports/engagements.csv${csv}`, path: `/reports/engagements.csv${csv}` },
    { key: 'csv-cases', label: `/reports/cases.csv${csv}`, path: `/reports/cases.csv${csv}` },
    { key: 'cases', label: 'Case list /cases', path: '/cases' },
    { key: 'case', label: `Case page /cases/${busiestCaseId}`, path: `/cases/${busiestCaseId}` },
  ];
}

/** A signed-in staff member who can post forms: the session cookie, the CSRF cookie and its token. */
export interface Staff {
  baseUrl: string;
  cookie: string;
  token: string;
}

/** Reads a form's CSRF token (and the cookie it is bound to) from a staff page. */
export async function staffWithToken(baseUrl: string, sessionCookie: string, page: string): Promise<Staff> {
  const res = await fetch(`${baseUrl}${page}`, { headers: { Cookie: sessionCookie } });
  const html = await res.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error(`no CSRF token on GET ${page} (${res.status})`);
  // The page may set a new CSRF cookie (bound to the signed-in session): it replaces the old one.
  const jar = new Map(sessionCookie.split('; ').map((pair) => [pair.slice(0, pair.indexOf('=')), pair] as const));
  for (const line of res.headers.getSetCookie()) {
    const pair = line.split(';')[0];
    jar.set(pair.slice(0, pair.indexOf('=')), pair);
  }
  return { baseUrl, cookie: [...jar.values()].join('; '), token };
}

export async function postForm(staff: Staff, path: string, fields: Record<string, string | string[]>): Promise<number> {
  const body = new URLSearchParams();
  body.append('_csrf', staff.token);
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  const res = await fetch(`${staff.baseUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: staff.cookie },
    body: body.toString(),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Records a delivered engagement on a case through the staff form; throws unless it is stored (303). */
async function recordEngagement(staff: Staff, caseId: number, consultantId: number, date: string): Promise<void> {
  const status = await postForm(staff, `/cases/${caseId}/engagements`, {
    status: 'delivered',
    date,
    start_time: '10:00',
    duration_minutes: '60',
    format: 'small_group',
    consultant_ids: String(consultantId),
    participant_count: '3',
    jurisdictions: 'OH',
    attendees: '',
    topics: 'equity-lens',
    summary: 'Benchmark meeting.',
    follow_up_actions: '',
    follow_up_date: '',
  });
  if (status !== 303) throw new Error(`recording an engagement on case ${caseId} answered ${status}`);
}

/** Adds an internal note to a case; throws unless it is stored (303). */
async function addNote(staff: Staff, caseId: number): Promise<void> {
  const status = await postForm(staff, `/cases/${caseId}/notes`, { body: 'Benchmark note.' });
  if (status !== 303) throw new Error(`adding a note to case ${caseId} answered ${status}`);
}

export interface FirstView {
  key: string;
  label: string;
  tries: number[];
  median: number;
  worst: number;
  bytes: number;
  statuses: number[];
}

/** The write a first view follows: a new request, and for the dashboard an engagement recorded too. */
interface Writer {
  staff: Staff;
  caseId: number;
  consultantId: number;
  date: string;
}

/** Each page `tries` times, each time right after a new request arrived (and an engagement was recorded, for the dashboard). */
export async function firstViews(
  pages: PageSpec[],
  writer: Writer,
  sessionCookie: string,
  tries: number,
  say: (s: string) => void,
): Promise<FirstView[]> {
  const out: FirstView[] = [];
  for (const page of pages) {
    const times: number[] = [];
    const statuses: number[] = [];
    let bytes = 0;
    for (let i = 0; i < tries; i += 1) {
      await createCase(writer.staff.baseUrl);
      if (page.afterEngagement) await recordEngagement(writer.staff, writer.caseId, writer.consultantId, writer.date);
      const started = performance.now();
      const res = await fetch(`${writer.staff.baseUrl}${page.path}`, { headers: { Cookie: sessionCookie } });
      bytes = (await res.arrayBuffer()).byteLength;
      times.push(performance.now() - started);
      statuses.push(res.status);
    }
    const sorted = [...times].sort((a, b) => a - b);
    out.push({
      key: page.key,
      label: page.label,
      tries: times,
      median: median(times),
      worst: sorted[sorted.length - 1],
      bytes,
      statuses: [...new Set(statuses)],
    });
    say(
      `  first view after a write, ${page.label}: median ${median(times).toFixed(0)} ms, worst ${sorted[sorted.length - 1].toFixed(0)} ms (${(bytes / 1024).toFixed(1)} KiB)`,
    );
  }
  return out;
}

export interface MixedResult {
  seconds: number;
  clients: number;
  requests: number;
  writes: number;
  errors: number;
  errorSamples: string[];
  pages: { key: string; label: string; count: number; p50: number; p99: number; max: number; errors: number }[];
  writesByKind: { kind: string; count: number; p50: number; p99: number; errors: number }[];
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] : 0;

/**
 * `clients` clients for `seconds`, each sending one request after the other: every tenth is a
 * write (a new request through the API, an engagement recorded, a note added, in turn), the rest
 * the staff pages in turn.
 */
export async function mixedLoad(
  pages: PageSpec[],
  writer: Writer,
  sessionCookie: string,
  o: { clients: number; seconds: number },
): Promise<MixedResult> {
  const end = Date.now() + o.seconds * 1000;
  const times = new Map<string, number[]>();
  const errors = new Map<string, number>();
  const samples: string[] = [];
  let n = 0;
  const note = (key: string, ms: number, ok: boolean, why?: string) => {
    if (!times.has(key)) times.set(key, []);
    (times.get(key) as number[]).push(ms);
    if (!ok) {
      errors.set(key, (errors.get(key) ?? 0) + 1);
      if (samples.length < 5 && why) samples.push(`${key}: ${why}`);
    }
  };
  const writes = ['request', 'engagement', 'note'];
  const client = async () => {
    while (Date.now() < end) {
      const i = (n += 1);
      const started = performance.now();
      if (i % 10 === 0) {
        const kind = writes[(i / 10) % writes.length];
        try {
          if (kind === 'request') await createCase(writer.staff.baseUrl);
          else if (kind === 'engagement') await recordEngagement(writer.staff, writer.caseId, writer.consultantId, writer.date);
          else await addNote(writer.staff, writer.caseId);
          note(`write:${kind}`, performance.now() - started, true);
        } catch (err) {
          note(`write:${kind}`, performance.now() - started, false, (err as Error).message);
        }
        continue;
      }
      const page = pages[i % pages.length];
      try {
        const res = await fetch(`${writer.staff.baseUrl}${page.path}`, { headers: { Cookie: sessionCookie } });
        await res.arrayBuffer();
        note(page.key, performance.now() - started, res.status === 200, `answered ${res.status}`);
      } catch (err) {
        note(page.key, performance.now() - started, false, (err as Error).message);
      }
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: o.clients }, client));
  const seconds = (Date.now() - started) / 1000;
  const stats = (key: string) => {
    const sorted = [...(times.get(key) ?? [])].sort((a, b) => a - b);
    return {
      count: sorted.length,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      max: sorted[sorted.length - 1] ?? 0,
      errors: errors.get(key) ?? 0,
    };
  };
  const all = [...errors.values()].reduce((a, b) => a + b, 0);
  return {
    seconds,
    clients: o.clients,
    requests: [...times.values()].reduce((a, b) => a + b.length, 0),
    writes: writes.reduce((a, k) => a + (times.get(`write:${k}`)?.length ?? 0), 0),
    errors: all,
    errorSamples: samples,
    pages: pages.map((p) => ({ key: p.key, label: p.label, ...stats(p.key) })),
    writesByKind: writes.map((k) => ({ kind: k, ...stats(`write:${k}`) })),
  };
}
