import assert from 'node:assert/strict';
import fc from 'fast-check';
import { allDerivedRows, rebuildRollups } from '../../server/queries/report-rollup.queries';
import { editCase } from '../../server/services/case-edit.service';
import { cancelEngagement, createEngagement, deleteEngagement, updateEngagement } from '../../server/services/engagement.service';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { ZONE, daysFromToday, makeCase } from '../helpers/engagements';

// Engagement changes of every kind, through the services (as the web forms, the API and the
// programs make them): after any sequence, the roll-ups kept in each change's transaction equal
// the ones made again from the raw rows.
const JURISDICTIONS = ['OH', 'DC', 'WY', 'PR', 'GU'];
const FORMATS = ['one_on_one', 'small_group', 'online_training'];
const TRACKS = ['ta', 'network', 'cohort'];

const fields = fc.record({
  delivered: fc.boolean(),
  // Between about ten months ago and yesterday: several months and years, cut at month ends.
  daysAgo: fc.integer({ min: 1, max: 300 }),
  format: fc.constantFrom(...FORMATS),
  duration: fc.constantFrom(15, 45, 60, 90),
  participants: fc.integer({ min: 1, max: 30 }),
  jurisdictions: fc.subarray(JURISDICTIONS, { minLength: 1 }),
  topics: fc.integer({ min: 0, max: 3 }),
  consultants: fc.integer({ min: 0, max: 3 }),
});

const operation = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('create' as const), target: fc.nat(), fields }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('update' as const), target: fc.nat(), fields }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('cancel' as const), target: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), target: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('track' as const), target: fc.nat(), track: fc.constantFrom(...TRACKS) }), weight: 1 },
);

describeEachEngine('Report roll-ups after any sequence of engagement changes', (t) => {
  const { config } = testApp();
  const ctx = { timeZone: ZONE };
  let director: { id: number; role: 'director' };
  let consultants: { id: number }[];
  let topics: string[];
  const cases: number[] = [];
  const engagements: number[] = [];

  before(async () => {
    const d = await makeUser({ role: 'director' });
    director = { id: d.id, role: 'director' };
    const people = [await makeUser({ role: 'consultant' }), await makeUser({ role: 'consultant' })];
    consultants = people;
    topics = (await t.db.knex('topics').where({ active: true }).orderBy('id').limit(3).select('slug')).map((r: { slug: string }) => r.slug);
    for (let i = 0; i < 3; i += 1) cases.push((await makeCase(config, { lead: people[0], supporters: [people[1]], director: d })).id);
  });

  type Fields = typeof fields extends fc.Arbitrary<infer R> ? R : never;
  const payload = (f: Fields) => {
    const chosen = consultants.slice(0, Math.max(1, Math.min(f.consultants, consultants.length)));
    return {
      status: f.delivered ? 'delivered' : 'scheduled',
      date: f.delivered ? daysFromToday(-f.daysAgo) : daysFromToday(f.daysAgo),
      start_time: '10:00',
      duration_minutes: f.duration,
      format: f.format,
      consultant_ids: chosen.map((c) => c.id),
      participant_count: f.participants,
      jurisdictions: f.jurisdictions,
      topics: topics.slice(0, f.topics),
      summary: f.delivered ? 'Met the team.' : '',
    };
  };

  async function changeTrack(caseId: number, track: string) {
    const c = await t.db.knex('cases').where({ id: caseId }).first();
    const caseTopics = (
      await t.db.knex('case_topics as ct').join('topics as tp', 'tp.id', 'ct.topic_id').where('ct.case_id', caseId).select('tp.slug')
    ).map((r: { slug: string }) => r.slug);
    await editCase(
      caseId,
      {
        jurisdiction: c.jurisdiction_code,
        name: c.requester_name,
        email: c.requester_email,
        role: c.requester_title,
        organization_type: c.organization_type,
        organization_name: c.organization_name,
        topics: caseTopics,
        preferred_format: c.preferred_format,
        title: c.title,
        needs: c.needs,
        track,
      },
      director,
    );
  }

  it('createEngagement, of three delivered engagements, counts them in the roll-ups at once (each listing OH and PR, 60 minutes)', async () => {
    const base = {
      delivered: true,
      format: 'small_group',
      duration: 60 as const,
      participants: 4,
      jurisdictions: ['OH', 'PR'],
      topics: 1,
      consultants: 1,
    };
    for (const daysAgo of [20, 50, 80]) engagements.push(await createEngagement(cases[0], payload({ ...base, daysAgo }), director, ctx));
    const rows = await t.db
      .knex('report_rollups')
      .whereIn('kind', ['jurisdiction', 'any_territory'])
      .select('kind', 'item', 'engagements', 'minutes');
    const sum = (kind: string, item: string) =>
      rows
        .filter((r) => r.kind === kind && r.item === item)
        .reduce((n, r) => [n[0] + Number(r.engagements), n[1] + Number(r.minutes)], [0, 0]);
    assert.deepStrictEqual(sum('jurisdiction', 'OH'), [3, 180]);
    assert.deepStrictEqual(sum('jurisdiction', 'PR'), [3, 180]);
    assert.deepStrictEqual(sum('any_territory', ''), [3, 180]);
  });

  it("createEngagement, updateEngagement, cancelEngagement, deleteEngagement and a case's new track, in any order, leave the roll-ups equal to reports:rebuild", async function () {
    this.timeout(240_000);
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 8 }), async (ops) => {
        for (const op of ops) {
          const pick = () => engagements[op.target % engagements.length];
          if (op.kind === 'create')
            engagements.push(await createEngagement(cases[op.target % cases.length], payload(op.fields), director, ctx));
          else if (op.kind === 'track') await changeTrack(cases[op.target % cases.length], op.track);
          else if (!engagements.length) continue;
          else if (op.kind === 'update') await updateEngagement(pick(), payload(op.fields), director, ctx);
          else if (op.kind === 'cancel') await cancelEngagement(pick(), director, ZONE);
          else {
            const id = pick();
            await deleteEngagement(id, director, ZONE);
            engagements.splice(engagements.indexOf(id), 1);
          }
        }
        const kept = await allDerivedRows(t.db.knex);
        await t.db.knex.transaction((trx) => rebuildRollups(trx));
        assert.deepStrictEqual(kept, await allDerivedRows(t.db.knex));
      }),
      { numRuns: 12 },
    );
  });
});
