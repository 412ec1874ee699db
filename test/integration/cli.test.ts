import assert from 'node:assert/strict';
import { describeEachEngine, TestDatabase } from '../helpers/db';
import { runCliOn } from '../helpers/importing-cli';
import { allDerivedRows } from '../../server/queries/report-rollup.queries';
import { createEngagement } from '../../server/services/engagement.service';
import { testApp } from '../helpers/app';
import { auditEvents, makeUser } from '../helpers/auth';
import { ZONE, daysFromToday, makeCase } from '../helpers/engagements';

const STRONG = 'Otter-meadow-lantern-92';

/** Runs `server/cli.ts` as `npm run cli` would (from the sources), with `input` on standard input. */
const cli = (db: TestDatabase, args: string[], input: string) => runCliOn(db, args, {}, input);

describeEachEngine('Command line: user:create', (ctx) => {
  let n = 0;
  const email = () => `cli${(n += 1)}.${Date.now()}@leep.test`;
  const userByEmail = (address: string) => ctx.db.knex('users').where({ email: address }).first();

  it('user:create, with a strong password on standard input, exits 0 and stores the user with an scrypt hash', async function () {
    this.timeout(30_000);
    const address = email();
    const run = await cli(
      ctx.db,
      ['user:create', '--email', address.toUpperCase(), '--name', 'Cli Consultant', '--role', 'consultant', '--capacity', '4'],
      `${STRONG}\n`,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Created consultant Cli Consultant/);
    assert.ok(!run.stdout.includes(STRONG) && !run.stderr.includes(STRONG), 'the password is never printed');

    const row = await userByEmail(address);
    assert.ok(row, 'the user exists, e-mail lower-cased');
    assert.equal(row.role, 'consultant');
    assert.equal(row.name, 'Cli Consultant');
    assert.equal(Number(row.capacity), 4);
    assert.match(row.password_hash, /^scrypt\$ln=\d+,r=8,p=1\$/);
    assert.equal((await auditEvents(ctx.db.knex, 'user.created', `user:${row.id}`)).length, 1);
  });

  it('user:create, with a weak password, exits 1 with the reason and creates no user', async function () {
    this.timeout(30_000);
    const address = email();
    const run = await cli(
      ctx.db,
      ['user:create', '--email', address, '--name', 'Weak Password', '--role', 'director'],
      'passwordpassword\n',
    );
    assert.equal(run.code, 1);
    assert.match(run.stderr, /password: This password is too common/);
    assert.equal(await userByEmail(address), undefined);
  });

  it('user:create, without --role, exits 2 with the usage and creates no user', async function () {
    this.timeout(30_000);
    const address = email();
    const run = await cli(ctx.db, ['user:create', '--email', address, '--name', 'No Role'], `${STRONG}\n`);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /needs --email, --name and --role/);
    assert.equal(await userByEmail(address), undefined);
  });

  it('user:create, with an e-mail already in use, exits 1 and leaves the existing user alone', async function () {
    this.timeout(30_000);
    const { email: address } = await makeUser({ name: 'First One' });
    const run = await cli(ctx.db, ['user:create', '--email', address, '--name', 'Second One', '--role', 'director'], `${STRONG}\n`);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /email: A user with this e-mail address already exists/);
    const rows = await ctx.db.knex('users').where({ email: address });
    assert.equal(rows.length, 1);
    assert.equal(rows[0].name, 'First One');
  });

  it('user:create, with --expertise topic slugs and --capacity, stores the topics and the capacity', async function () {
    this.timeout(30_000);
    const address = email();
    const run = await cli(
      ctx.db,
      [
        'user:create',
        '--email',
        address,
        '--name',
        'Cli Expert',
        '--role',
        'consultant',
        '--expertise',
        'equity-lens, opportunity-gaps',
        '--capacity',
        '7',
      ],
      `${STRONG}\n`,
    );
    assert.equal(run.code, 0, run.stderr);
    const row = await userByEmail(address);
    assert.equal(Number(row.capacity), 7);
    const slugs = await ctx.db
      .knex('user_topics')
      .join('topics', 'topics.id', 'user_topics.topic_id')
      .where('user_topics.user_id', row.id)
      .orderBy('topics.slug')
      .pluck('topics.slug');
    assert.deepEqual(slugs, ['equity-lens', 'opportunity-gaps']);
  });

  it('user:create, with an --expertise slug that does not exist, exits 1 naming the slugs it takes, and creates no user', async function () {
    this.timeout(30_000);
    const address = email();
    const run = await cli(
      ctx.db,
      ['user:create', '--email', address, '--name', 'Cli Unknown', '--role', 'consultant', '--expertise', 'basket-weaving'],
      `${STRONG}\n`,
    );
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--expertise takes topic slugs separated by commas: .*equity-lens/);
    assert.equal(await userByEmail(address), undefined);
  });
});

describeEachEngine('Command line: reports:rebuild', (ctx) => {
  const { config } = testApp();

  it('reports:rebuild makes the roll-ups again from the engagements after they were emptied around the app, equal to what the app kept, and says how many', async function () {
    this.timeout(30_000);
    const director = await makeUser({ role: 'director' });
    const lead = await makeUser({ role: 'consultant' });
    const kase = await makeCase(config, { lead, director });
    const topic = (await ctx.db.knex('topics').where({ active: true }).orderBy('id').first()).slug as string;
    const payload = (date: string, jurisdictions: string[]) => ({
      status: 'delivered',
      date,
      start_time: '10:00',
      duration_minutes: 60,
      format: 'small_group',
      consultant_ids: [lead.id],
      participant_count: 5,
      jurisdictions,
      topics: [topic],
      summary: 'Met the board.',
    });
    await createEngagement(kase.id, payload(daysFromToday(-40), ['OH']), { id: director.id, role: 'director' }, { timeZone: ZONE });
    await createEngagement(kase.id, payload(daysFromToday(-3), ['OH', 'PR']), { id: director.id, role: 'director' }, { timeZone: ZONE });
    const kept = await allDerivedRows(ctx.db.knex);
    assert.ok(kept.rollups.length > 0 && kept.marks.length === 2, 'the app kept roll-ups for the two delivered engagements');
    assert.ok(kept.years.length > 0, 'and their sums by calendar year');
    for (const table of [
      'report_rollups',
      'report_rollup_years',
      'report_engagement_marks',
      'report_case_formats',
      'report_case_consultants',
    ])
      await ctx.db.knex(table).delete();

    const run = await cli(ctx.db, ['reports:rebuild'], '');
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      new RegExp(
        `Rebuilt the report roll-ups from the engagements: ${kept.rollups.length + kept.years.length} roll-up rows for 2 delivered engagements`,
      ),
    );
    assert.deepEqual(await allDerivedRows(ctx.db.knex), kept);
  });
});
