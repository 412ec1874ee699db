// What the tests of import files (encodings, layouts, lengths) share: a director on the import
// page, and a row of the layout to vary.
import { csrfTokenOf, testApp } from './app';
import { makeUser, signInAs } from './auth';
import { Row, caseOnly } from './importing-csv';

/** Inside a describe: `director()`, a director signed in, with the import page's CSRF token. */
export function importPage() {
  const { app } = testApp();

  async function director() {
    const agent = await signInAs(app, await makeUser({ role: 'director' }));
    return { agent, token: csrfTokenOf((await agent.get('/admin/import')).text) };
  }

  return { director };
}

/** One delivered engagement of a new case, with any column overridden. */
export const engagementRow = (key: string, overrides: Row = {}): Row => ({
  ...caseOnly(key, { lead_consultant_email: `lead.${key}@leep.example`.toLowerCase() }),
  engagement_date: '2018-04-12',
  start_time: '10:00',
  duration_minutes: '60',
  format: 'small_group',
  engagement_status: 'delivered',
  participant_count: '4',
  participant_jurisdictions: '',
  consultant_emails: '',
  engagement_topics: '',
  summary: 'Met the board.',
  ...overrides,
});
