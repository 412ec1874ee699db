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

/** A column of a CSV file: its heading and how a row gives its cell. */
export type Column<Row> = readonly [heading: string, cell: (row: Row) => unknown];

/**
 * A streamed CSV download of rows read a page at a time (a decade of engagements never sits in
 * memory at once), waiting for the client when it reads slower than the database.
 */
export async function csvStream<Row>(
  res: Response,
  name: string,
  columns: readonly Column<Row>[],
  rows: AsyncIterable<Row>,
): Promise<void> {
  csvHeaders(res, name);
  res.write(BOM);
  const csv: Stringifier = stringify({ ...OPTIONS, columns: columns.map(([heading]) => heading) });
  csv.pipe(res);
  for await (const row of rows) {
    const ok = csv.write(columns.map(([, cell]) => cell(row)));
    if (!ok) await new Promise((resolve) => csv.once('drain', resolve));
  }
  csv.end();
}
