import type { Response } from 'express';
import { Stringifier, stringify } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';

/**
 * Every CSV the app writes goes through here, so that each opens safely in Excel: a cell that
 * starts with =, +, -, @, a tab or a carriage return gets a leading ' (csv-stringify's
 * `escape_formulas`), so that a request titled =HYPERLINK(…) is shown, never run.
 */
const OPTIONS = { header: true, escape_formulas: true } as const;

const BOM = '\ufeff';

/** The response headers of a CSV download. */
export const csvHeaders = (res: Response, name: string): Response =>
  res.status(200).type('text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="${name}"`);

/** A whole CSV file as text (byte-order mark first, so that Excel reads UTF-8). */
export function csvText(columns: string[], rows: unknown[][]): string {
  return BOM + stringifySync(rows, { ...OPTIONS, columns });
}

/** Starts a streamed CSV download; write rows to the returned stringifier and end it. */
export function csvStream(res: Response, name: string, columns: string[]): Stringifier {
  csvHeaders(res, name);
  res.write(BOM);
  const csv = stringify({ ...OPTIONS, columns });
  csv.pipe(res);
  return csv;
}
