import assert from 'node:assert/strict';
import { importCsv } from '../../server/services/import.service';
import { importFile } from '../bench/import-file';
import { describeEachEngine } from '../helpers/db';
import { ZONE } from '../helpers/engagements';

// An import gathers the planner's statistics of what it wrote inside its own transaction, before
// its roll-ups: planned for the row counts from before, they took minutes for a large file.
describeEachEngine('The planner statistics after an import', (ctx) => {
  /** How many engagements the planner's statistics say there are. */
  async function engagementsPlannedFor(): Promise<number> {
    if (ctx.engine === 'sqlite') {
      // The first number of an index's sqlite_stat1 row is the table's row count.
      const row = await ctx.db.knex('sqlite_stat1').where({ tbl: 'engagements' }).first('stat');
      return row ? Number(String(row.stat).split(' ')[0]) : 0;
    }
    const row = await ctx.db
      .knex('pg_class')
      .where({ relname: 'engagements', relkind: 'r' })
      .whereRaw('relnamespace = current_schema()::regnamespace')
      .first('reltuples');
    return Math.max(0, Number(row?.reltuples ?? 0));
  }

  it('importCsv of 600 rows into an empty database leaves statistics that count its engagements', async function () {
    this.timeout(60_000);
    // The engagements the statistics knew before (none, or a handful) are far from 600.
    assert.ok((await engagementsPlannedFor()) < 100, 'the statistics start from an almost empty table');
    const result = await importCsv(importFile(600, `stats${Date.now().toString(36)}`), { dryRun: false, timeZone: ZONE });
    assert.equal(result.created.engagements, 600);
    const [{ n }] = await ctx.db.knex('engagements').count({ n: '*' });
    assert.equal(await engagementsPlannedFor(), Number(n));
  });
});
