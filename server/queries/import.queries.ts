import { Queryable, db } from '../db';

/** What the import reads and marks of its own: the records it made before, and who has an account. */

/** Every account's e-mail (lower-cased) with its id and name. */
export async function accountsByEmail(q: Queryable = db): Promise<{ id: number; email: string; name: string }[]> {
  return (await q('users').select('id', 'email', 'name')).map((u: { id: unknown; email: string; name: string }) => ({
    id: Number(u.id),
    email: String(u.email).toLowerCase(),
    name: u.name,
  }));
}

/** Every topic, retired ones too, by slug and name (an old record may name a topic retired since). */
export async function topicsForImport(q: Queryable = db): Promise<{ id: number; slug: string; name: string }[]> {
  return (await q('topics').select('id', 'slug', 'name')).map((t: { id: unknown; slug: string; name: string }) => ({
    id: Number(t.id),
    slug: t.slug,
    name: t.name,
  }));
}

/** The case imported before under this case key, if any. */
export async function findImportedCase(caseKey: string, q: Queryable = db): Promise<number | undefined> {
  const row = await q('cases')
    .where({ idempotency_key: `import:${caseKey}` })
    .first('id');
  return row ? Number(row.id) : undefined;
}

/** Whether the engagement with this import key was imported before. */
export async function engagementImported(importKey: string, q: Queryable = db): Promise<boolean> {
  return Boolean(await q('engagements').where({ import_key: importKey }).first('id'));
}

/** Marks an engagement with the key that recognises it at the next import of the same file. */
export async function setEngagementImportKey(q: Queryable, id: number, importKey: string): Promise<void> {
  await q('engagements').where({ id }).update({ import_key: importKey });
}
