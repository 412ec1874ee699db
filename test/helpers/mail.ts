// A real SMTP server for the mail tests (smtp-server on 127.0.0.1), a reader for the messages it
// receives (headers, multipart bodies, quoted-printable and base64: enough for what nodemailer
// writes, without mailparser), and the worker as the tests run it.
import net from 'node:net';
import type { Knex } from 'knex';
import { SMTPServer } from 'smtp-server';
import { MailWorker, startMailWorker } from '../../server/services/mail.worker';

export const MAIL_FROM = 'LEEP TA Tracker <leep@leep.test>';

export interface MimePart {
  /** Header values by lower-case name, unfolded and with encoded words decoded. */
  headers: Record<string, string>;
  /** The media type in lower case, e.g. `text/plain`. */
  type: string;
  params: Record<string, string>;
  /** The decoded body as text (UTF-8). */
  text: string;
  parts: MimePart[];
  filename?: string;
}

export interface ReceivedMail {
  /** The envelope: who the server was asked to deliver to (RCPT TO), in lower case. */
  rcptTo: string[];
  mailFrom: string;
  raw: string;
  headers: Record<string, string>;
  subject: string;
  /** The addresses of the To header, in lower case. */
  to: string[];
  text: string;
  html: string;
  attachments: MimePart[];
}

/** `value; a=b; c="d"` → the value and its parameters (names in lower case). */
function splitParams(value: string): { value: string; params: Record<string, string> } {
  const pieces = value.match(/(?:[^;"]+|"[^"]*")+/g) ?? [''];
  const params: Record<string, string> = {};
  for (const p of pieces.slice(1)) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    params[p.slice(0, eq).trim().toLowerCase()] = p
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return { value: pieces[0].trim(), params };
}

/** Bytes of a quoted-printable text: soft line breaks removed, `=XX` decoded. */
function fromQuotedPrintable(body: string, underscoreIsSpace = false): Buffer {
  const text = body.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (underscoreIsSpace && c === '_') {
      bytes.push(0x20);
    } else {
      bytes.push(text.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) decoded; adjacent ones joined. */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, data: string) =>
      (enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : fromQuotedPrintable(data, true)).toString('utf8'),
    );
}

/** Splits a message (or part) into its unfolded headers and its body. The text is latin1: one char a byte. */
function headAndBody(raw: string): { headers: Record<string, string>; body: string } {
  const m = /\r?\n\r?\n/.exec(raw);
  const head = m ? raw.slice(0, m.index) : raw;
  const body = m ? raw.slice(m.index + m[0].length) : '';
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    // Header bytes may be UTF-8 (SMTPUTF8); encoded words are decoded after.
    const value = decodeWords(Buffer.from(line.slice(colon + 1).trim(), 'latin1').toString('utf8'));
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { headers, body };
}

/** One MIME entity, its multipart children read recursively. */
function parseMime(raw: string): MimePart {
  const { headers, body } = headAndBody(raw);
  const { value: type, params } = splitParams(headers['content-type'] ?? 'text/plain; charset=us-ascii');
  const disposition = splitParams(headers['content-disposition'] ?? '');
  const filename = disposition.params.filename ?? params.name;
  const part: MimePart = { headers, type: type.toLowerCase(), params, text: '', parts: [], ...(filename ? { filename } : {}) };
  if (part.type.startsWith('multipart/') && params.boundary) {
    const delimiter = `--${params.boundary}`;
    const lines = body.split(/\r?\n/);
    let current: string[] | undefined;
    for (const line of lines) {
      if (line === delimiter || line === `${delimiter}--`) {
        if (current) part.parts.push(parseMime(current.join('\r\n')));
        current = line === delimiter ? [] : undefined;
        if (line !== delimiter) break;
      } else if (current) {
        current.push(line);
      }
    }
    return part;
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const bytes =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64')
      : encoding === 'quoted-printable'
        ? fromQuotedPrintable(body)
        : Buffer.from(body, 'latin1');
  part.text = bytes.toString('utf8');
  return part;
}

function leaves(part: MimePart): MimePart[] {
  return part.parts.length ? part.parts.flatMap(leaves) : [part];
}

const isAttachment = (p: MimePart) => Boolean(p.filename) || /^attachment/i.test(p.headers['content-disposition'] ?? '');

/** Every e-mail address in a header value (`"Name" <a@b>, c@d`), in lower case. */
export function addressesIn(value: string | undefined): string[] {
  return (value ?? '').match(/[^\s<>",;:]+@[^\s<>",;]+/g)?.map((a) => a.toLowerCase()) ?? [];
}

/** A message as received: its envelope and raw text read into headers, text, HTML and attachments. */
function readMail(raw: string, envelope: { mailFrom: string; rcptTo: string[] }): ReceivedMail {
  const root = parseMime(raw);
  const all = leaves(root);
  const body = all.filter((p) => !isAttachment(p));
  // A message's text ends with the line break the SMTP data needs: trim it to compare.
  const textOf = (type: string) => (body.find((p) => p.type === type)?.text ?? '').replace(/\r\n/g, '\n');
  return {
    rcptTo: envelope.rcptTo.map((a) => a.toLowerCase()),
    mailFrom: envelope.mailFrom,
    raw,
    headers: root.headers,
    subject: root.headers.subject ?? '',
    to: addressesIn(root.headers.to),
    text: textOf('text/plain'),
    html: textOf('text/html'),
    attachments: all.filter(isAttachment),
  };
}

export interface TestSmtp {
  port: number;
  url: string;
  /** Every message received so far, in order. */
  received: ReceivedMail[];
  close(): Promise<void>;
}

/** Starts an SMTP server on 127.0.0.1 (port 0: any free port) that keeps what it receives. */
export async function startSmtp(port = 0): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const envelope = session.envelope;
        received.push(
          readMail(Buffer.concat(chunks).toString('latin1'), {
            mailFrom: envelope.mailFrom ? envelope.mailFrom.address : '',
            rcptTo: envelope.rcptTo.map((r) => r.address),
          }),
        );
        cb();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.server.address() as net.AddressInfo).port;
  return {
    port: actual,
    url: `smtp://127.0.0.1:${actual}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port on 127.0.0.1 where nothing listens (taken from the system, then let go): a mail server that is down. */
export async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The worker as the app starts it, sending to `smtpUrl`; its timer never fires in a test (tests call runOnce). */
export function mailWorker(smtpUrl: string): MailWorker {
  return startMailWorker({ smtpUrl, mailFrom: MAIL_FROM }, { intervalMs: 60_000 });
}

/** Runs the worker until a run sends nothing more (a run sends at most a batch); returns how many were sent. */
export async function deliverAll(worker: MailWorker): Promise<number> {
  let total = 0;
  for (let i = 0; i < 50; i += 1) {
    const sent = await worker.runOnce();
    total += sent;
    if (sent === 0) return total;
  }
  throw new Error('the outbox did not drain after 50 runs');
}

/** The messages received for one case (its reference in the subject), as sorted `to | subject` lines. */
export function linesFor(received: ReceivedMail[], reference: string): string[] {
  return received
    .filter((m) => m.subject.includes(reference))
    .flatMap((m) => m.rcptTo.map((to) => `${to} | ${m.subject}`))
    .sort();
}

export interface OutboxState {
  id: number;
  kind: string;
  to_address: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

/** The outbox rows of a case, oldest first, numbers as numbers. */
export async function outboxOf(knex: Knex, caseId: number): Promise<OutboxState[]> {
  const rows = await knex('outbox').where({ case_id: caseId }).orderBy('id');
  return rows.map((r: Record<string, unknown>) => ({
    id: Number(r.id),
    kind: String(r.kind),
    to_address: String(r.to_address),
    status: String(r.status),
    attempts: Number(r.attempts),
    next_attempt_at: Number(r.next_attempt_at),
    last_error: r.last_error === null ? null : String(r.last_error),
  }));
}

/** Makes the waiting messages of a case due now, as if their backoff had passed. */
export async function makeDue(knex: Knex, caseId: number): Promise<number> {
  return knex('outbox').where({ case_id: caseId, status: 'waiting' }).update({ next_attempt_at: Date.now() });
}

/** The path of an absolute link to the app (`http://leep.test/status/x#feedback` → `/status/x`). */
export function pathOf(link: string): string {
  return new URL(link).pathname;
}
