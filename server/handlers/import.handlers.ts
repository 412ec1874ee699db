import type { Request, Response } from 'express';
import path from 'node:path';
import { SEEDS_DIR } from '../paths';
import { UploadGoneError, importKeptUpload, importUpload } from '../services/import-upload.service';
import { IMPORT_COLUMNS, type ImportResult } from '../services/import.service';
import { actorOf, cfg } from './helpers';

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
  const { result, keptToken } = await importUpload(
    actorOf(req),
    { name: file.originalname, text: file.buffer.toString('utf8') },
    { dryRun: (req.body ?? {}).action !== 'import', timeZone: cfg(req).timeZone },
  );
  showResult(res, result, file.originalname, keptToken);
}

/** POST /admin/import/kept: imports the file checked just before, without choosing it again. */
export async function importKept(req: Request, res: Response): Promise<void> {
  const token = String((req.body ?? {}).upload ?? '');
  try {
    const { result, fileName } = await importKeptUpload(actorOf(req), token, { timeZone: cfg(req).timeZone });
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
