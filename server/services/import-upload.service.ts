import crypto from 'node:crypto';
import { nowIso } from '../values';
import { AppError, NotFoundError } from '../errors';
import { deleteImportUpload, deleteImportUploadsBefore, findImportUpload, insertImportUpload } from '../queries/import-upload.queries';
import { type StaffActor, mustBeDirector } from './directors';
import { type ImportResult, importCsv } from './import.service';
import { hashToken, randomToken } from './tokens';

/** How long a checked file is kept for "Import this file". */
const KEEP_UPLOAD_MS = 60 * 60 * 1000;

/** The kept file is gone: used already, or older than an hour. The director chooses it again. */
export class UploadGoneError extends AppError {
  constructor() {
    super(
      410,
      'upload_gone',
      'This checked file is no longer kept: it was imported already, or it was checked more than an hour ago. Choose the file again.',
    );
  }
}

const sha256 = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * A director checks (dry run) or imports an uploaded file. A file that passed its check is kept
 * for an hour, so that "Import this file" needs no second upload: `keptToken` names it.
 */
export async function importUpload(
  actor: StaffActor,
  file: { name: string; text: string },
  options: { dryRun: boolean; timeZone: string },
): Promise<{ result: ImportResult; keptToken?: string }> {
  mustBeDirector(actor);
  const result = await importCsv(file.text, { ...options, source: file.name });
  const keptToken = options.dryRun && !result.problems.length ? await keepUpload(actor.id, file.name, file.text) : undefined;
  return { result, keptToken };
}

/** Keeps a checked file for its director; returns the token that names it in the import form. */
async function keepUpload(userId: number, fileName: string, text: string, now = new Date()): Promise<string> {
  await deleteImportUploadsBefore(nowIso(new Date(now.getTime() - KEEP_UPLOAD_MS)));
  const token = randomToken();
  await insertImportUpload({
    token_hash: hashToken(token),
    user_id: userId,
    file_name: fileName.slice(0, 255),
    csv_text: text,
    sha256: sha256(text),
    created_at: nowIso(now),
  });
  return token;
}

/**
 * Imports a kept file, all or nothing through the import service, for the director who checked
 * it (anyone else: 404, as for a file that does not exist). The upload is claimed (removed) first,
 * so it is imported at most once even when two imports of it race.
 */
export async function importKeptUpload(
  actor: StaffActor,
  token: string,
  options: { timeZone: string; now?: Date },
): Promise<{ result: ImportResult; fileName: string }> {
  mustBeDirector(actor);
  const userId = actor.id;
  const now = options.now ?? new Date();
  const upload = token ? await findImportUpload(hashToken(token)) : undefined;
  if (!upload) throw new UploadGoneError();
  if (upload.user_id !== userId) throw new NotFoundError();
  const expired = new Date(upload.created_at).getTime() < now.getTime() - KEEP_UPLOAD_MS;
  const claimed = await deleteImportUpload(upload.id);
  if (expired || !claimed) throw new UploadGoneError();
  if (sha256(upload.csv_text) !== upload.sha256) throw new Error(`Kept import file ${upload.id} does not match its SHA-256`);
  const result = await importCsv(upload.csv_text, { dryRun: false, timeZone: options.timeZone, source: upload.file_name });
  return { result, fileName: upload.file_name };
}
