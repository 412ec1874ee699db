// What an import writes: a snapshot of every table an import writes, and checks of what it imported.

import assert from 'node:assert/strict';
import { DEFAULT_TIME_ZONE } from '../../server/config';
import { engagementInstant } from '../../server/services/case.service';
import type { Knex } from 'knex';
import type { ExpectedCase } from './importing-mixed';
import { digestTables } from './reports-raw';

const WRITTEN_TABLES = [
  { name: 'users', orderBy: ['id'] },
  { name: 'reference_counters', orderBy: ['year'] },
  { name: 'cases', orderBy: ['id'] },
  { name: 'case_topics', orderBy: ['case_id', 'topic_id'] },
  { name: 'case_supporters', orderBy: ['case_id', 'user_id'] },
  { name: 'case_events', orderBy: ['id'] },
  { name: 'engagements', orderBy: ['id'] },
  { name: 'engagement_consultants', orderBy: ['engagement_id', 'user_id'] },
  { name: 'engagement_jurisdictions', orderBy: ['engagement_id', 'jurisdiction_code'] },
  { name: 'engagement_topics', orderBy: ['engagement_id', 'topic_id'] },
  { name: 'engagement_attendees', orderBy: ['id'] },
];

interface Snapshot {
  counts: Record<string, number>;
  digest: string;
}

/** The row count of every table an import writes, and a digest of all their rows (so that an update shows too). */
export async function snapshot(knex: Knex): Promise<Snapshot> {
  const counts: Record<string, number> = {};
  for (const t of WRITTEN_TABLES) counts[t.name] = Number((await knex(t.name).count({ n: '*' }))[0].n);
  return { counts, digest: await digestTables(knex, WRITTEN_TABLES) };
}

/** Fails unless the database is exactly as it was. */
export async function assertUnchanged(knex: Knex, before: Snapshot): Promise<void> {
  const after = await snapshot(knex);
  assert.deepStrictEqual(after.counts, before.counts, 'row counts unchanged');
  assert.equal(after.digest, before.digest, 'every row unchanged');
}

const sorted = (list: string[]) => [...list].sort();

/**
 * Checks that the expected cases are in the database as a clean import leaves them: source
 * `import`, references `TA-<submitted year>-NNNN` numbered in file order within a year, topics,
 * status, lead, and every engagement with its jurisdictions, consultants and topics.
 */
export async function assertImported(knex: Knex, expected: ExpectedCase[]): Promise<void> {
  const slugOf = new Map((await knex('topics').select('id', 'slug')).map((t: { id: unknown; slug: string }) => [Number(t.id), t.slug]));
  const emailOf = new Map((await knex('users').select('id', 'email')).map((u: { id: unknown; email: string }) => [Number(u.id), u.email]));
  const lastNumberOfYear = new Map<number, number>();
  for (const c of expected) {
    const rows = await knex('cases').where({ idempotency_key: `import:${c.key}` });
    assert.equal(rows.length, 1, `one case for ${c.key}`);
    const row = rows[0];
    const id = Number(row.id);
    const year = Number(c.submitted.slice(0, 4));
    const m = /^TA-(\d{4})-(\d{4})$/.exec(row.reference);
    assert.ok(m, `reference ${row.reference}`);
    assert.equal(Number(m[1]), year, `${c.key}: the reference carries the submission year`);
    const n = Number(m[2]);
    if (lastNumberOfYear.has(year))
      assert.equal(n, (lastNumberOfYear.get(year) as number) + 1, `${c.key}: numbered right after the file's previous case of ${year}`);
    lastNumberOfYear.set(year, n);
    assert.equal(row.source, 'import', c.key);
    assert.equal(row.track, c.track, c.key);
    assert.equal(row.jurisdiction_code, c.jurisdiction, c.key);
    assert.equal(row.title, c.title, c.key);
    assert.equal(row.status, c.status, `${c.key}: status`);
    assert.equal(new Date(row.submitted_at).toISOString().slice(0, 10), c.submitted, `${c.key}: submitted`);
    assert.equal(row.lead_consultant_id === null ? null : emailOf.get(Number(row.lead_consultant_id)), c.lead, `${c.key}: lead`);
    if (['completed', 'declined', 'withdrawn'].includes(c.status)) assert.ok(row.closed_at, `${c.key}: closed`);
    else assert.equal(row.closed_at, null, `${c.key}: open`);
    if (c.status === 'completed') assert.ok(row.closing_summary, `${c.key}: a completed case has a closing summary`);
    const topics = (await knex('case_topics').where({ case_id: id })).map(
      (t: { topic_id: unknown }) => slugOf.get(Number(t.topic_id)) as string,
    );
    assert.deepStrictEqual(sorted(topics), c.topics, `${c.key}: topics`);
    const created = await knex('case_events').where({ case_id: id, kind: 'case.created' });
    assert.equal(created.length, 1, `${c.key}: one case.created event`);

    const engagements = await knex('engagements').where({ case_id: id }).orderBy('id');
    assert.equal(engagements.length, c.engagements.length, `${c.key}: engagements`);
    // The first engagement time is derived from the delivered engagements, as for any case.
    const first = engagements
      .filter((e: { status: string }) => e.status === 'delivered')
      .map((e: { date: string; start_time: string | null }) => ({ date: e.date, start_time: e.start_time ?? null }))
      .sort((x: { date: string; start_time: string | null }, y: { date: string; start_time: string | null }) =>
        `${x.date} ${x.start_time ?? '12:00'}`.localeCompare(`${y.date} ${y.start_time ?? '12:00'}`),
      )[0];
    assert.equal(
      row.first_engagement_at === null ? null : new Date(row.first_engagement_at).toISOString(),
      first ? engagementInstant(first, DEFAULT_TIME_ZONE).toISOString() : null,
      `${c.key}: first engagement time`,
    );
    const added = await knex('case_events').where({ case_id: id, kind: 'engagement.added' });
    assert.equal(added.length, c.engagements.length, `${c.key}: one engagement.added event for each engagement`);
    assert.ok(
      engagements.every(
        (e: { import_key: string | null }) => typeof e.import_key === 'string' && e.import_key.startsWith(`import:${c.key}:`),
      ),
      `${c.key}: each engagement carries its import key`,
    );
    for (const [i, want] of c.engagements.entries()) {
      const got = engagements[i];
      const eid = Number(got.id);
      const label = `${c.key}, engagement from row ${want.row}`;
      assert.deepStrictEqual(
        {
          date: got.date,
          start_time: got.start_time ?? null,
          status: got.status,
          format: got.format,
          minutes: Number(got.duration_minutes),
          participants: Number(got.participant_count),
          year: Number(got.year),
          month: Number(got.month),
        },
        {
          date: want.date,
          start_time: want.start_time,
          status: want.status,
          format: want.format,
          minutes: want.minutes,
          participants: want.participants,
          year: Number(want.date.slice(0, 4)),
          month: Number(want.date.slice(5, 7)),
        },
        label,
      );
      const ej = await knex('engagement_jurisdictions').where({ engagement_id: eid });
      assert.deepStrictEqual(
        sorted(ej.map((r: { jurisdiction_code: string }) => r.jurisdiction_code)),
        want.jurisdictions,
        `${label}: jurisdictions`,
      );
      for (const r of ej)
        assert.deepStrictEqual(
          { status: r.status, date: r.date },
          { status: want.status, date: want.date },
          `${label}: jurisdiction rows carry the status and date`,
        );
      const ec = await knex('engagement_consultants').where({ engagement_id: eid });
      assert.deepStrictEqual(
        sorted(ec.map((r: { user_id: unknown }) => emailOf.get(Number(r.user_id)) as string)),
        want.consultants,
        `${label}: consultants`,
      );
      const et = await knex('engagement_topics').where({ engagement_id: eid });
      assert.deepStrictEqual(
        sorted(et.map((r: { topic_id: unknown }) => slugOf.get(Number(r.topic_id)) as string)),
        want.topics,
        `${label}: topics`,
      );
    }
  }
}

/** Fails unless each address has an account that is an inactive consultant with no password. */
export async function assertInactiveConsultants(knex: Knex, emails: string[]): Promise<void> {
  for (const email of emails) {
    const user = await knex('users').where({ email }).first();
    assert.ok(user, `${email} has an account`);
    assert.equal(user.role, 'consultant', email);
    assert.ok(user.active === false || user.active === 0, `${email} is inactive`);
    assert.equal(user.password_hash, null, `${email} has no password`);
  }
}
