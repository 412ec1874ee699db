import type { Request, Response } from 'express';
import path from 'node:path';
import type { Config } from '../config';
import { SEEDS_DIR } from '../paths';
import { UploadGoneError, importKeptUpload, keepUpload } from '../services/import-upload.service';
import { IMPORT_COLUMNS, type ImportResult, importCsv } from '../services/import.service';

/** GET /admin/import/sample.csv: the sample file, to download and fill in. */
export function sample(_req: Request, res: Response): void {
  res
    .attachment('leep-import-sample.csv')
    .type('text/csv; charset=utf-8')
    .sendFile(path.join(SEEDS_DIR, 'import', 'sample.csv'));
}

export function form(_req: Request, res: Response): void {
  res.render('pages/admin/import', { title: 'Import historical records', columns: IMPORT_COLUMNS, errors: {}, errorList: [] });
}

/** Checks (dry run) or imports an uploaded CSV file. */
export async function upload(req: Request, res: Response): Promise<void> {
  const file = (req as Request & { file?: { buffer: Buffer; originalname: string } }).file;
  if (!file || !file.buffer.length) {
    res.status(422).render('pages/admin/import', {
      title: 'Error: Import historical records',
      columns: IMPORT_COLUMNS,
      errors: { file: 'Choose a CSV file' },
      errorList: [{ field: 'file', message: 'Choose a CSV file' }],
    });
    return;
  }
  const dryRun = (req.body ?? {}).action !== 'import';
  const text = file.buffer.toString('utf8');
  const result = await importCsv(text, { dryRun, timeZone: (req.app.locals.config as Config).timeZone, source: file.originalname });
  // A file that passed its check is kept for an hour: "Import this file" needs no second upload.
  const keptToken =
    dryRun && !result.problems.length ? await keepUpload((req.user as { id: number }).id, file.originalname, text) : undefined;
  showResult(res, result, file.originalname, keptToken);
}

/** POST /admin/import/kept: imports the file checked just before, without choosing it again. */
export async function importKept(req: Request, res: Response): Promise<void> {
  const token = String((req.body ?? {}).upload ?? '');
  try {
    const { result, fileName } = await importKeptUpload((req.user as { id: number }).id, token, {
      timeZone: (req.app.locals.config as Config).timeZone,
    });
    showResult(res, result, fileName);
  } catch (err) {
    if (!(err instanceof UploadGoneError)) throw err;
    res.status(410).render('pages/admin/import', {
      title: 'Error: Import historical records',
      columns: IMPORT_COLUMNS,
      gone: err.message,
      errors: {},
      errorList: [],
    });
  }
}

function showResult(res: Response, result: ImportResult, fileName: string, keptToken?: string): void {
  res.status(result.problems.length ? 422 : 200).render('pages/admin/import', {
    title: result.problems.length ? 'Error: Import historical records' : 'Import historical records',
    columns: IMPORT_COLUMNS,
    result,
    fileName,
    keptToken,
    errors: {},
    errorList: [],
  });
}
