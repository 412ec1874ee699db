import type { Request, Response } from 'express';
import path from 'node:path';
import type { Config } from '../config';
import { SEEDS_DIR } from '../paths';
import { IMPORT_COLUMNS, importCsv } from '../services/import.service';

/** GET /admin/import/sample.csv: the sample file, to download and fill in. */
export function sample(_req: Request, res: Response): void {
  res.attachment('leep-import-sample.csv').type('text/csv; charset=utf-8').sendFile(path.join(SEEDS_DIR, 'import', 'sample.csv'));
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
  const result = await importCsv(file.buffer.toString('utf8'), { dryRun, timeZone: (req.app.locals.config as Config).timeZone, source: file.originalname });
  res.status(result.problems.length ? 422 : 200).render('pages/admin/import', { title: result.problems.length ? 'Error: Import historical records' : 'Import historical records', columns: IMPORT_COLUMNS, result, fileName: file.originalname, errors: {}, errorList: [] });
}
