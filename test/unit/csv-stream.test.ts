import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { Response } from 'express';
import { Column, csvStream, csvText } from '../../server/handlers/csv';

// The streamed CSV downloads (/reports/engagements.csv, /reports/cases.csv) write their rows in
// batches: the file must be the very text csvText makes of the same rows, whatever the number of
// rows and wherever a batch ends, and a client that reads slowly or goes away must be respected.

type Row = { id: number; title: string; note: string | null };
const COLUMNS: Column<Row>[] = [
  ['Id', (r) => r.id],
  ['Title', (r) => r.title],
  ['Note', (r) => r.note ?? ''],
];

/** Rows with what a CSV must escape: commas, quotes, line breaks, a formula, text that is not ASCII. */
const rowsOf = (n: number): Row[] =>
  Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    title: ['Plain', 'With, comma', 'With "quotes"', 'Two\nlines', '=HYPERLINK("x")', 'Équité à Puerto Rico'][i % 6],
    note: i % 4 === 0 ? null : `-${i}`,
  }));

/** A response that collects what is written, as a socket would, reading `delayMs` after each chunk when slow. */
function fakeResponse(options: { highWaterMark?: number; delayMs?: number } = {}) {
  const body = new PassThrough({ highWaterMark: options.highWaterMark ?? 16_384 });
  const chunks: Buffer[] = [];
  const headers: Record<string, string> = {};
  let status = 0;
  const res = Object.assign(body, {
    status(code: number) {
      status = code;
      return res;
    },
    type(value: string) {
      headers['content-type'] = value;
      return res;
    },
    set(name: string, value: string) {
      headers[name.toLowerCase()] = value;
      return res;
    },
  });
  const finished = new Promise<void>((resolve) => body.on('end', resolve));
  (async () => {
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    }
  })().catch(() => undefined);
  return {
    res: res as unknown as Response & PassThrough,
    text: () => Buffer.concat(chunks).toString('utf8'),
    finished,
    headers,
    status: () => status,
  };
}

async function* generate(rows: Row[], seen: { read: number; finished: boolean }) {
  try {
    for (const row of rows) {
      seen.read += 1;
      yield row;
    }
  } finally {
    seen.finished = true;
  }
}

describe('csvStream: a streamed CSV download written in batches', () => {
  for (const n of [0, 1, 499, 500, 501, 1234]) {
    it(`${n} rows: the file is the text csvText makes of them (BOM, headings, escaping), sent as text/csv`, async () => {
      const rows = rowsOf(n);
      const out = fakeResponse();
      await csvStream(out.res, 'x.csv', COLUMNS, generate(rows, { read: 0, finished: false }));
      await out.finished;
      const expected = csvText(
        COLUMNS.map(([h]) => h),
        rows.map((r) => COLUMNS.map(([, cell]) => cell(r))),
      );
      assert.equal(out.text(), expected);
      assert.equal(out.status(), 200);
      assert.match(out.headers['content-type'], /^text\/csv/);
      assert.equal(out.headers['content-disposition'], 'attachment; filename="x.csv"');
      if (n > 4) assert.ok(out.text().includes(`"'=HYPERLINK(""x"")"`), 'a formula is shown, never run');
    });
  }

  it('waits for a client that reads slowly, and still sends every row', async () => {
    const rows = rowsOf(3000);
    const out = fakeResponse({ highWaterMark: 1024, delayMs: 2 });
    const seen = { read: 0, finished: false };
    await csvStream(out.res, 'x.csv', COLUMNS, generate(rows, seen));
    await out.finished;
    assert.equal(seen.read, 3000);
    assert.equal(
      out.text(),
      csvText(
        COLUMNS.map(([h]) => h),
        rows.map((r) => COLUMNS.map(([, cell]) => cell(r))),
      ),
    );
  });

  it('stops reading rows (and ends their generator) when the client goes away', async () => {
    const rows = rowsOf(5000);
    const out = fakeResponse({ highWaterMark: 1024, delayMs: 5 });
    const seen = { read: 0, finished: false };
    setTimeout(() => out.res.destroy(), 20);
    await csvStream(out.res, 'x.csv', COLUMNS, generate(rows, seen));
    assert.ok(seen.read < 5000, `read ${seen.read} rows of 5000 for a client that went`);
    assert.equal(seen.finished, true, 'the generator was ended (no more pages read)');
  });
});
