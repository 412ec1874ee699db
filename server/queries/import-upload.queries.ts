import { db, Queryable, reads } from '../db';

interface ImportUploadRow {
  id: number;
  user_id: number;
  file_name: string;
  csv_text: string;
  sha256: string;
  created_at: string | Date;
}

export async function insertImportUpload(
  row: { token_hash: string; user_id: number; file_name: string; csv_text: string; sha256: string; created_at: string },
  q: Queryable = db,
): Promise<void> {
  await q('import_uploads').insert(row);
}

export async function findImportUpload(tokenHash: string, q: Queryable = reads): Promise<ImportUploadRow | undefined> {
  const row = await q('import_uploads')
    .where({ token_hash: tokenHash })
    .first('id', 'user_id', 'file_name', 'csv_text', 'sha256', 'created_at');
  return row ? { ...row, id: Number(row.id), user_id: Number(row.user_id) } : undefined;
}

/** Removes one upload; true only for the one caller that removed it (a use is claimed once). */
export async function deleteImportUpload(id: number, q: Queryable = db): Promise<boolean> {
  return Number(await q('import_uploads').where({ id }).delete()) === 1;
}

/** Removes every upload made before `before` (ISO instant); returns how many. */
export async function deleteImportUploadsBefore(before: string, q: Queryable = db): Promise<number> {
  return Number(await q('import_uploads').where('created_at', '<', before).delete());
}
