// What the bad-input tests throw at each route, and how it is sent.

import crypto from 'node:crypto';
import fc from 'fast-check';
import type request from 'supertest';
import type { Pairs } from './resilience-forms';

type Encoding = 'form' | 'json' | 'multipart' | 'text' | 'garbage-json' | 'json-top-level' | 'bad-charset' | 'octet';
type CsrfPlacement = 'body' | 'header' | 'none' | 'forged';

interface FuzzInput {
  pairs: Pairs;
  encoding: Encoding;
  csrf: CsrfPlacement;
  raw: string;
  /** Over express.urlencoded's 200-parameter limit. */
  manyFields: boolean;
}

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];
const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\u202e\u0646\u0635',
  '👩🏽‍⚕️👨‍👩‍👧',
  'e\u0301\u0301\u0301',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  '1e309',
  '9'.repeat(400),
  "' OR 1=1 --",
  '"; DROP TABLE cases; --',
  '<script>alert(1)</script>',
  '{{constructor.constructor}}',
  '2026-02-30',
  '0000-00-00',
  '9999-12-31T99:99',
  '../../etc/passwd',
  '%00%ff',
  '\r\nSet-Cookie: x=1',
  'true',
  '[object Object]',
];

const huge = fc
  .constantFrom(5_000, 60_000, 150_000, 230_000)
  .chain((n) => fc.constantFrom('x', 'é', '😀', '<').map((c) => c.repeat(Math.ceil(n / c.length))));

/**
 * A value nested `depth` levels deep, built only when serialized, so that fast-check reports it
 * as `Deep(3000)` instead of overflowing the stack while printing a counterexample.
 */
class Deep {
  constructor(
    readonly depth: number,
    readonly array: boolean,
  ) {}
  toJSON(): unknown {
    let v: unknown = 'deep';
    for (let i = 0; i < this.depth; i += 1) v = this.array ? [v] : { a: v };
    return v;
  }
  [fc.toStringMethod](): string {
    return `Deep(${this.depth}${this.array ? ', array' : ''})`;
  }
}

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 4, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 1, arbitrary: huge },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, -0, 2 ** 53, 1e308, -1e308) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

const key: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...PROTO_KEYS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('a[b]', 'a[]', 'a.b', '_csrf', 'id', 'role', 'user_id') },
);

const value: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: scalar },
    { weight: 2, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    { weight: 2, arbitrary: fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((entries) => Object.fromEntries(entries)) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 10, max: 3_000 }), fc.boolean()).map(([d, a]) => new Deep(d, a)) },
  ),
})).value;

/** Bodies built from a route's real form fields, some kept, some changed, some doubled, plus strangers. */
export function fuzzInput(base: Pairs): fc.Arbitrary<FuzzInput> {
  const names = [...new Set(base.map(([k]) => k))];
  const field = names.length ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: key }) : key;
  return fc
    .record({
      keep: fc.subarray(base.map((_, i) => i)),
      changes: fc.array(fc.tuple(field, value, fc.boolean()), { maxLength: 4 }),
      extras: fc.array(fc.tuple(key, value), { maxLength: 2 }),
      encoding: fc.constantFrom<Encoding>(
        'form',
        'form',
        'form',
        'json',
        'json',
        'json',
        'multipart',
        'text',
        'garbage-json',
        'json-top-level',
        'bad-charset',
        'octet',
      ),
      csrf: fc.constantFrom<CsrfPlacement>('body', 'body', 'body', 'body', 'header', 'header', 'none', 'forged'),
      raw: fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.constantFrom('{', '{"a":', '[1,2', 'null', '"text"', '123', '{"__proto__":{"polluted":1}}', '\u0000\u0001'),
      ),
      manyFields: fc
        .boolean()
        .chain((b) => (b ? fc.boolean() : fc.constant(false)))
        .chain((b) => (b ? fc.boolean() : fc.constant(false))),
    })
    .map(({ keep, changes, extras, encoding, csrf, raw, manyFields }) => {
      let pairs: Pairs = keep.map((i) => base[i]);
      for (const [k, v, replace] of changes) {
        if (replace) pairs = pairs.filter(([n]) => n !== k);
        pairs.push([k, v]);
      }
      pairs.push(...extras);
      return { pairs, encoding, csrf, raw, manyFields };
    });
}

const text = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'null'));

function formEncode(pairs: Pairs): string {
  const params = new URLSearchParams();
  for (const [k, v] of pairs) {
    if (Array.isArray(v)) for (const item of v) params.append(k, text(item));
    else if (v && typeof v === 'object' && !(v instanceof Deep))
      for (const [sub, item] of Object.entries(v)) params.append(`${k}[${sub}]`, text(item));
    else params.append(k, text(v));
  }
  return params.toString();
}

/** A JSON object written pair by pair, so that doubled keys and "__proto__" stay in the text. */
function jsonEncode(pairs: Pairs): string {
  return `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`;
}

function multipartEncode(pairs: Pairs, boundary: string, withFile: boolean): string {
  const parts = pairs.map(
    ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k.replace(/["\r\n]/g, '_')}"\r\n\r\n${text(v)}\r\n`,
  );
  if (withFile)
    parts.push(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\nContent-Type: text/csv\r\n\r\nreference,jurisdiction\r\nTA-2020-0001,ZZ\r\n\r\n`,
    );
  return `${parts.join('')}--${boundary}--\r\n`;
}

/** The request as sent: content type, body and headers. */
function encodeInput(input: FuzzInput, token: string): { contentType: string; body: string; headers: Record<string, string> } {
  const pairs: Pairs = [...input.pairs];
  if (input.csrf === 'body') pairs.unshift(['_csrf', token]);
  if (input.csrf === 'forged') pairs.unshift(['_csrf', crypto.randomBytes(24).toString('base64url')]);
  if (input.manyFields) for (let i = 0; i < 260; i += 1) pairs.push([`f${i}`, 'x']);
  const headers: Record<string, string> = input.csrf === 'header' ? { 'X-CSRF-Token': token } : {};
  switch (input.encoding) {
    case 'form':
      return { contentType: 'application/x-www-form-urlencoded', body: formEncode(pairs), headers };
    case 'json':
      return { contentType: 'application/json', body: jsonEncode(pairs), headers };
    case 'multipart': {
      const boundary = `----fuzz${crypto.randomBytes(6).toString('hex')}`;
      return {
        contentType: `multipart/form-data; boundary=${boundary}`,
        body: multipartEncode(pairs, boundary, input.raw.length % 2 === 0),
        headers,
      };
    }
    case 'text':
      return { contentType: 'text/plain', body: formEncode(pairs), headers };
    case 'garbage-json':
      return { contentType: 'application/json', body: input.raw, headers };
    case 'json-top-level':
      return {
        contentType: 'application/json',
        body: JSON.stringify(input.raw.length % 3 === 0 ? [Object.fromEntries(pairs)] : input.raw.length % 3 === 1 ? input.raw : 42),
        headers,
      };
    case 'bad-charset':
      return { contentType: 'application/json; charset=utf-7', body: jsonEncode(pairs), headers };
    case 'octet':
      return { contentType: 'application/octet-stream', body: formEncode(pairs), headers };
  }
}

export function send(agent: ReturnType<typeof request.agent>, path: string, input: FuzzInput, token: string) {
  const { contentType, body, headers } = encodeInput(input, token);
  return agent
    .post(path)
    .set({ ...headers, 'Content-Type': contentType })
    .send(body)
    .timeout({ deadline: 20_000 });
}
