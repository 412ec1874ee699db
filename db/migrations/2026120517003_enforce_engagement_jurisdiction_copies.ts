import type { Knex } from 'knex';

/**
 * engagement_jurisdictions keeps copies of its engagement's status, date and year (so that a
 * jurisdiction's served engagements are read from its own index). The database now derives them:
 * a row written there takes its engagement's values whatever it was given, and a change of the
 * engagement's status, date or year is copied to its rows. No code path (nor a person with SQL)
 * can make them disagree.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`UPDATE engagement_jurisdictions SET
    status = (SELECT e.status FROM engagements e WHERE e.id = engagement_jurisdictions.engagement_id),
    date = (SELECT e.date FROM engagements e WHERE e.id = engagement_jurisdictions.engagement_id),
    year = (SELECT e.year FROM engagements e WHERE e.id = engagement_jurisdictions.engagement_id)`);
  if (knex.client.config.client === 'pg') {
    await knex.raw(`
      CREATE FUNCTION engagement_jurisdiction_copies() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        SELECT e.status, e.date, e.year INTO NEW.status, NEW.date, NEW.year FROM engagements e WHERE e.id = NEW.engagement_id;
        RETURN NEW;
      END $$`);
    await knex.raw(
      `CREATE TRIGGER engagement_jurisdictions_copies BEFORE INSERT OR UPDATE ON engagement_jurisdictions FOR EACH ROW EXECUTE FUNCTION engagement_jurisdiction_copies()`,
    );
    await knex.raw(`
      CREATE FUNCTION engagement_copies_to_jurisdictions() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE engagement_jurisdictions SET status = NEW.status, date = NEW.date, year = NEW.year WHERE engagement_id = NEW.id;
        RETURN NULL;
      END $$`);
    await knex.raw(`CREATE TRIGGER engagements_copies_to_jurisdictions AFTER UPDATE OF status, date, year ON engagements FOR EACH ROW
      WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.date IS DISTINCT FROM NEW.date OR OLD.year IS DISTINCT FROM NEW.year)
      EXECUTE FUNCTION engagement_copies_to_jurisdictions()`);
    return;
  }
  // SQLite: AFTER triggers rewrite the row (recursive triggers are off, so they do not call themselves).
  const fromEngagement = `status = (SELECT e.status FROM engagements e WHERE e.id = NEW.engagement_id),
    date = (SELECT e.date FROM engagements e WHERE e.id = NEW.engagement_id),
    year = (SELECT e.year FROM engagements e WHERE e.id = NEW.engagement_id)`;
  await knex.raw(`CREATE TRIGGER engagement_jurisdictions_copies_insert AFTER INSERT ON engagement_jurisdictions BEGIN
    UPDATE engagement_jurisdictions SET ${fromEngagement} WHERE engagement_id = NEW.engagement_id AND jurisdiction_code = NEW.jurisdiction_code; END`);
  await knex.raw(`CREATE TRIGGER engagement_jurisdictions_copies_update AFTER UPDATE ON engagement_jurisdictions BEGIN
    UPDATE engagement_jurisdictions SET ${fromEngagement} WHERE engagement_id = NEW.engagement_id AND jurisdiction_code = NEW.jurisdiction_code; END`);
  await knex.raw(`CREATE TRIGGER engagements_copies_to_jurisdictions AFTER UPDATE OF status, date, year ON engagements BEGIN
    UPDATE engagement_jurisdictions SET status = NEW.status, date = NEW.date, year = NEW.year WHERE engagement_id = NEW.id; END`);
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP TRIGGER IF EXISTS engagements_copies_to_jurisdictions ON engagements');
    await knex.raw('DROP TRIGGER IF EXISTS engagement_jurisdictions_copies ON engagement_jurisdictions');
    await knex.raw('DROP FUNCTION IF EXISTS engagement_copies_to_jurisdictions()');
    await knex.raw('DROP FUNCTION IF EXISTS engagement_jurisdiction_copies()');
    return;
  }
  for (const name of [
    'engagements_copies_to_jurisdictions',
    'engagement_jurisdictions_copies_update',
    'engagement_jurisdictions_copies_insert',
  ])
    await knex.raw(`DROP TRIGGER IF EXISTS ${name}`);
}
