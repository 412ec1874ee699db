import assert from 'node:assert/strict';
import { openToken, randomToken, sealToken } from '../../server/services/tokens';

const SECRET = 'unit-test-secret-0123456789-abcdefghij';

/** The sealed text with one of its three parts changed in its first character. */
function tampered(sealed: string, part: number): string {
  const parts = sealed.split('.');
  const c = parts[part][0];
  parts[part] = (c === 'A' ? 'B' : 'A') + parts[part].slice(1);
  return parts.join('.');
}

describe('tokens sealToken and openToken', () => {
  it('openToken, for what sealToken gave with the same secret, gives the token back', () => {
    for (const token of [randomToken(), randomToken(), 'short-token-123']) assert.equal(openToken(SECRET, sealToken(SECRET, token)), token);
  });

  it('sealToken, for the same token twice, gives different texts that do not contain the token', () => {
    const token = randomToken();
    const a = sealToken(SECRET, token);
    const b = sealToken(SECRET, token);
    assert.notEqual(a, b);
    assert.ok(!a.includes(token) && !b.includes(token));
    assert.match(a, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('openToken, with another secret, gives undefined', () => {
    assert.equal(openToken(`${SECRET}-other`, sealToken(SECRET, randomToken())), undefined);
  });

  it('openToken, for a text changed in its IV, tag or ciphertext, gives undefined', () => {
    const sealed = sealToken(SECRET, randomToken());
    for (const part of [0, 1, 2]) assert.equal(openToken(SECRET, tampered(sealed, part)), undefined, `part ${part}`);
    const [iv, tag, body] = sealed.split('.');
    assert.equal(openToken(SECRET, [iv, tag, body.slice(0, -4)].join('.')), undefined, 'a shortened ciphertext opened');
    assert.equal(openToken(SECRET, [iv, '', body].join('.')), undefined, 'no tag opened');
  });

  it('openToken, for nothing or a malformed text, gives undefined without throwing', () => {
    for (const text of [null, undefined, '', 'abc', 'a.b', 'a.b.c.d', '...', '%%%.%%%.%%%'])
      assert.equal(openToken(SECRET, text), undefined, String(text));
  });
});
