import { DEMO_PASSWORD } from '../../server/demo-password';

/** The demo director's sign-in, made as a browser makes it: the form's CSRF token, then the post. */
export async function signIn(baseUrl: string, email = 'director@leep.example', password = DEMO_PASSWORD): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const form = await fetch(`${baseUrl}/login`);
  keep(form);
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!token) throw new Error('no CSRF token on GET /login');
  const res = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie() },
    body: new URLSearchParams({ _csrf: token, email, password }).toString(),
  });
  await res.arrayBuffer();
  if (res.status !== 303) throw new Error(`sign-in as ${email} answered ${res.status}`);
  keep(res);
  return cookie();
}

/** A valid API submission (the public form's fields as JSON). */
export function intakeBody(title = 'Benchmark request'): string {
  return JSON.stringify({
    jurisdiction: 'OH',
    name: 'Dana Whitfield',
    email: 'dana.whitfield@example.org',
    role: 'Board member',
    organization_type: 'state_board',
    organization_name: 'Ohio State Board of Education',
    track: 'ta',
    topics: ['equity-lens', 'board-governance'],
    preferred_format: 'small_group',
    title,
    needs: 'We are revising our strategic plan and want to apply an equity lens to each goal.',
    outcomes: 'A shared framework the board can use in every policy discussion.',
    expected_participants: 12,
  });
}

/** Submits one request through the API and returns the path of its status page. */
export async function createCase(baseUrl: string): Promise<{ reference: string; statusPath: string }> {
  const res = await fetch(`${baseUrl}/api/v1/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: intakeBody('Status page benchmark'),
  });
  const body = (await res.json()) as { reference: string; status_url: string };
  if (res.status !== 201) throw new Error(`POST /api/v1/requests answered ${res.status}: ${JSON.stringify(body)}`);
  return { reference: body.reference, statusPath: new URL(body.status_url).pathname };
}

/** Fetches a URL once and says whether it answered as expected (before it is loaded). */
export async function probe(
  url: string,
  init: RequestInit,
  expected: number,
): Promise<{ ok: boolean; status: number; bytes: number; ms: number }> {
  const started = performance.now();
  const res = await fetch(url, { ...init, redirect: 'manual' });
  const bytes = (await res.arrayBuffer()).byteLength;
  return { ok: res.status === expected, status: res.status, bytes, ms: performance.now() - started };
}
