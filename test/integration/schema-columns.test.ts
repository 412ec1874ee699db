import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { rawRows } from '../../server/db';
import { testApp } from '../helpers/app';
import { attemptSignIn } from '../helpers/auth';
import { describeOnPostgres } from '../helpers/db';

type Target = { column: string; prefix?: string } | { column: string; prefix?: string }[] | { notStored: string };

/**
 * Where each text field of each schema is stored: a column, or a column with a prefix added by
 * the code (a sign-in's subject is "account:<e-mail>"), or why it is not stored at all. A new
 * schema field without an entry here fails the test, so that its column is checked too.
 */
const STORED: Record<string, Record<string, Target>> = {
  'auth.login': {
    email: [
      { column: 'audit_events.subject', prefix: 'account:' },
      { column: 'login_throttles.key', prefix: 'account:' },
    ],
    password: { notStored: 'checked against the hash' },
    next: { notStored: 'a redirect target' },
  },
  'user.create': {
    name: { column: 'users.name' },
    email: { column: 'users.email' },
    'topics[]': { column: 'topics.slug' },
    password: { notStored: 'hashed' },
    password_confirmation: { notStored: 'compared only' },
  },
  'user.update': { name: { column: 'users.name' }, email: { column: 'users.email' }, 'topics[]': { column: 'topics.slug' } },
  'user.password': {
    current_password: { notStored: 'checked' },
    password: { notStored: 'hashed' },
    password_confirmation: { notStored: 'compared only' },
  },
  'request.create': {
    name: { column: 'cases.requester_name' },
    email: { column: 'cases.requester_email' },
    phone: { column: 'cases.requester_phone' },
    role: { column: 'cases.requester_title' },
    organization_name: { column: 'cases.organization_name' },
    'topics[]': { column: 'topics.slug' },
    title: { column: 'cases.title' },
    needs: { column: 'cases.needs' },
    outcomes: { column: 'cases.outcomes' },
    website: { notStored: 'the honeypot' },
    idempotency_key: { column: 'cases.idempotency_key' },
  },
  'case.update': {
    name: { column: 'cases.requester_name' },
    email: { column: 'cases.requester_email' },
    phone: { column: 'cases.requester_phone' },
    role: { column: 'cases.requester_title' },
    organization_name: { column: 'cases.organization_name' },
    'topics[]': { column: 'topics.slug' },
    title: { column: 'cases.title' },
    needs: { column: 'cases.needs' },
    outcomes: { column: 'cases.outcomes' },
  },
  'case.note': { body: { column: 'case_notes.body' } },
  'case.message': { body: { column: 'case_messages.body' } },
  'case.status': { reason: { column: 'cases.closing_reason' }, closing_summary: { column: 'cases.closing_summary' } },
  'application.create': {
    name: { column: 'applications.name' },
    email: { column: 'applications.email' },
    board_role: { column: 'applications.board_role' },
    equity_commitment: { column: 'applications.equity_commitment' },
    race_culture_openness: { column: 'applications.race_culture_openness' },
    leadership: { column: 'applications.leadership' },
    website: { notStored: 'the honeypot' },
    idempotency_key: { column: 'applications.idempotency_key' },
  },
  'application.review': {
    equity_comment: { column: 'application_reviews.equity_comment' },
    openness_comment: { column: 'application_reviews.openness_comment' },
    leadership_comment: { column: 'application_reviews.leadership_comment' },
  },
  'cohort.save': {
    name: { column: 'cohorts.name' },
    description: { column: 'cohorts.description' },
    idempotency_key: { column: 'cohorts.idempotency_key' },
    ...Object.fromEntries([1, 2, 3, 4].map((n) => [`meeting_${n}_place`, { column: 'cohort_meetings.place' }])),
  },
  'cohort.attendance': { summary: { column: 'engagements.summary' } },
  'cohort.assignment': { title: { column: 'cohort_assignments.title' }, idempotency_key: { column: 'cohort_assignments.idempotency_key' } },
  'engagement.save': {
    'topics[]': { column: 'topics.slug' },
    summary: { column: 'engagements.summary' },
    follow_up_actions: { column: 'engagements.follow_up_actions' },
    location: { column: 'engagements.location' },
    meeting_url: { column: 'engagements.meeting_url' },
  },
  // The API's PATCH: the same fields, stored in the same columns.
  'engagement.patch': {
    'topics[]': { column: 'topics.slug' },
    summary: { column: 'engagements.summary' },
    follow_up_actions: { column: 'engagements.follow_up_actions' },
    location: { column: 'engagements.location' },
    meeting_url: { column: 'engagements.meeting_url' },
  },
  'topic.save': { name: { column: 'topics.name' } },
  'feedback.create': { comment: { column: 'feedback.comment' } },
  'network.event': { title: { column: 'network_events.title' }, idempotency_key: { column: 'network_events.idempotency_key' } },
  'network.event_attendance': { summary: { column: 'engagements.summary' } },
  'network.team': Object.fromEntries(
    [1, 2, 3, 4, 5, 6, 7, 8].flatMap((n) => [
      [`member_${n}_name`, { column: 'network_team_members.name' }],
      [`member_${n}_role`, { column: 'network_team_members.role' }],
    ]),
  ),
  'network.training': {
    title: { column: 'cases.title' },
    needs: { column: 'cases.needs' },
    'topics[]': { column: 'topics.slug' },
    idempotency_key: { column: 'cases.idempotency_key', prefix: 'network-training:' },
  },
};

type Prop = { maxLength?: number; items?: { maxLength?: number } };
type Schema = { $id?: string; properties?: Record<string, Prop> };

/** Every schema the app compiles, read from the modules in server/schemas. */
function allSchemas(): Schema[] {
  const dir = path.resolve(__dirname, '..', '..', 'server', 'schemas');
  const found = new Set<Schema>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- every schema file, found by name
    for (const value of Object.values(require(path.join(dir, file)) as Record<string, unknown>)) {
      const schema = (typeof value === 'function' ? (value as { schema?: Schema }).schema : value) as Schema | undefined;
      if (schema && typeof schema === 'object' && schema.$id && schema.properties) found.add(schema);
    }
  }
  return [...found];
}

/** Each text field with a maxLength: `field` or `field[]` for the items of a list. */
function limitsOf(schema: Schema): [string, number][] {
  const out: [string, number][] = [];
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (prop.maxLength !== undefined) out.push([name, prop.maxLength]);
    if (prop.items?.maxLength !== undefined) out.push([`${name}[]`, prop.items.maxLength]);
  }
  return out;
}

// Only PostgreSQL enforces varchar lengths (SQLite stores any length), so this is its test.
describeOnPostgres('Schema lengths against column lengths', (ctx) => {
  if (ctx.engine !== 'postgres') return;

  it('every maxLength of every AJV schema fits the column it is stored in (with any prefix the code adds), and every such field is mapped', async () => {
    const rows = rawRows<{ t: string; c: string; n: number | null }>(
      await ctx.db.knex.raw(
        'select table_name as t, column_name as c, character_maximum_length as n from information_schema.columns where table_schema = current_schema()',
      ),
    );
    const length = new Map(rows.map((r) => [`${r.t}.${r.c}`, r.n === null ? Infinity : Number(r.n)]));
    const schemas = allSchemas();
    assert.ok(schemas.length >= 20, `found ${schemas.length} schemas`);
    const problems: string[] = [];
    for (const schema of schemas) {
      for (const [field, max] of limitsOf(schema)) {
        const target = STORED[schema.$id as string]?.[field];
        if (!target) {
          problems.push(`${schema.$id}.${field}: not mapped to a column (add it to STORED)`);
          continue;
        }
        if ('notStored' in target) continue;
        for (const { column, prefix = '' } of Array.isArray(target) ? target : [target]) {
          const room = length.get(column);
          if (room === undefined) problems.push(`${schema.$id}.${field}: no column ${column}`);
          else if (prefix.length + max > room)
            problems.push(`${schema.$id}.${field}: ${prefix.length + max} characters into ${column} (${room})`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('POST /login, with an e-mail of 254 characters, answers 401 (not 500) and the refused sign-in is audited', async () => {
    const { app } = testApp({ TRUST_PROXY: '1' });
    const email = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.org`;
    assert.equal(email.length, 254);
    const { res } = await attemptSignIn(app, email, 'Some-password-that-fails-1');
    assert.equal(res.status, 401);
    const events = await ctx.db.knex('audit_events').where('subject', 'like', `%${email}%`);
    assert.ok(events.length >= 1, 'the refused sign-in is in the audit log');
  });
});
