import assert from 'node:assert/strict';
import { createEngagement } from '../../server/services/engagement.service';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { ZONE, daysFromToday, makeCase } from '../helpers/engagements';

// engagement_jurisdictions copies its engagement's status, date and year (migration
// 2026120517003): written here in plain SQL, around the app, they still cannot disagree.
describeEachEngine('The copies of status, date and year on engagement_jurisdictions', (t) => {
  const { config } = testApp();
  let engagementId: number;

  const copies = async () =>
    (
      await t.db.knex.raw(
        'SELECT jurisdiction_code, status, date, year FROM engagement_jurisdictions WHERE engagement_id = ? ORDER BY jurisdiction_code',
        [engagementId],
      )
    ).valueOf();
  const rows = async () => {
    const r = await copies();
    return (Array.isArray(r) ? r : r.rows).map((x: Record<string, unknown>) => ({
      code: String(x.jurisdiction_code),
      status: String(x.status),
      date: String(x.date),
      year: Number(x.year),
    }));
  };

  before(async () => {
    const director = await makeUser({ role: 'director' });
    const lead = await makeUser({ role: 'consultant' });
    const kase = await makeCase(config, { lead, director });
    engagementId = await createEngagement(
      kase.id,
      {
        status: 'delivered',
        date: daysFromToday(-10),
        start_time: '10:00',
        duration_minutes: 60,
        format: 'small_group',
        consultant_ids: [lead.id],
        participant_count: 3,
        jurisdictions: ['OH', 'PR'],
        topics: [],
        summary: 'Met.',
      },
      { id: director.id, role: 'director' },
      { timeZone: ZONE },
    );
  });

  it('UPDATE engagements SET status, date, year, in SQL, changes the copies of every jurisdiction row of the engagement', async () => {
    await t.db.knex.raw("UPDATE engagements SET status = 'cancelled', date = '2024-02-29', year = 2024 WHERE id = ?", [engagementId]);
    assert.deepStrictEqual(await rows(), [
      { code: 'OH', status: 'cancelled', date: '2024-02-29', year: 2024 },
      { code: 'PR', status: 'cancelled', date: '2024-02-29', year: 2024 },
    ]);
  });

  it("INSERT INTO engagement_jurisdictions, in SQL, with other values, stores the engagement's status, date and year instead", async () => {
    await t.db.knex.raw(
      "INSERT INTO engagement_jurisdictions (engagement_id, jurisdiction_code, status, date, year) VALUES (?, 'WY', 'delivered', '2019-05-05', 2019)",
      [engagementId],
    );
    assert.deepStrictEqual(
      (await rows()).find((r: { code: string }) => r.code === 'WY'),
      { code: 'WY', status: 'cancelled', date: '2024-02-29', year: 2024 },
    );
  });

  it("UPDATE engagement_jurisdictions SET status, date, year, in SQL, leaves them equal to the engagement's", async () => {
    await t.db.knex.raw(
      "UPDATE engagement_jurisdictions SET status = 'delivered', date = '2018-01-01', year = 2018 WHERE engagement_id = ?",
      [engagementId],
    );
    const engagement = await t.db.knex('engagements').where({ id: engagementId }).first('status', 'date', 'year');
    for (const r of await rows())
      assert.deepStrictEqual(
        { status: r.status, date: r.date, year: r.year },
        { status: engagement.status, date: String(engagement.date), year: Number(engagement.year) },
        r.code,
      );
    assert.equal(engagement.status, 'cancelled');
  });
});
