import crypto from 'node:crypto';

/** A valid request for support in the API's shape; override any field. */
export function requestPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    jurisdiction: 'OH',
    name: 'Dana Whitfield',
    email: 'dana.whitfield@example.org',
    phone: '(614) 555-0142',
    role: 'Board member',
    organization_type: 'state_board',
    organization_name: 'Ohio State Board of Education',
    track: 'ta',
    topics: ['equity-lens', 'board-governance'],
    preferred_format: 'small_group',
    title: 'Equity lens for our strategic plan',
    needs: 'We are revising our strategic plan and want to apply an equity lens to each goal.',
    outcomes: 'A shared framework the board can use in every policy discussion.',
    preferred_start: '2027-02-01',
    deadline: '2027-06-30',
    expected_participants: 12,
    ...overrides,
  };
}

/** The same request as the form posts it: every value a string, topics repeated. */
export function requestForm(overrides: Record<string, unknown> = {}): Record<string, string | string[]> {
  const payload = requestPayload(overrides);
  const form: Record<string, string | string[]> = { idempotency_key: crypto.randomBytes(16).toString('base64url') };
  for (const [k, v] of Object.entries(payload)) {
    if (v === undefined) continue;
    form[k] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return form;
}
