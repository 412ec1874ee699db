import type { Response } from 'express';
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

/** How many rows a streamed download writes at a time: one string and one socket write each. */
const ROWS_A_WRITE = 500;

/**
 * A streamed CSV download of rows read a page at a time (a decade of engagements never sits in
 * memory at once), written ROWS_A_WRITE rows at a time, each batch made into one string (the same
 * text as csvText's). It waits for the client when it reads slower than the database, and stops
 * reading rows when the client goes away: it used to wait for a drain that never came, holding the
 * download's rows and its handler for good.
 */
export async function csvStream<Row>(
  res: Response,
  name: string,
  columns: readonly Column<Row>[],
  rows: AsyncIterable<Row>,
): Promise<void> {
  csvHeaders(res, name);
  const headings = columns.map(([heading]) => heading);
  let header = true;
  let batch: unknown[][] = [];
  // Writes what is batched (the BOM and headings first); false when the client has gone.
  const flush = async (): Promise<boolean> => {
    const text = (header ? BOM : '') + stringifySync(batch, { ...OPTIONS, header, columns: headings });
    header = false;
    batch = [];
    if (res.destroyed) return false;
    if (!res.write(text))
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    return !res.destroyed;
  };
  for await (const row of rows) {
    batch.push(columns.map(([, cell]) => cell(row)));
    // Leaving the loop ends the rows' generator: no more pages are read for a client that went.
    if (batch.length >= ROWS_A_WRITE && !(await flush())) return;
  }
  if ((batch.length || header) && !(await flush())) return;
  res.end();
}
