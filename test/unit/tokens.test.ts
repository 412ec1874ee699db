import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { derivedToken, fingerprint, hashToken, randomToken, safeEqual } from '../../server/services/tokens';

describe('tokens', () => {
  it('randomToken, called many times, gives distinct URL-safe tokens of 256 bits', () => {
    const tokens = Array.from({ length: 200 }, () => randomToken());
    assert.equal(new Set(tokens).size, tokens.length);
    for (const t of tokens) {
      assert.match(t, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(t, 'base64url').length, 32);
    }
  });

  it('hashToken, for a token, gives its SHA-256 in lower-case hex', () => {
    assert.equal(hashToken('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const t = randomToken();
    assert.equal(hashToken(t), crypto.createHash('sha256').update(t).digest('hex'));
    assert.match(hashToken(t), /^[0-9a-f]{64}$/);
  });

  it('derivedToken, for the same secret, purpose and value, gives the same HMAC-SHA256 token', () => {
    const secret = 'x'.repeat(40);
    const token = derivedToken(secret, 'status', 'key-123456');
    assert.equal(token, derivedToken(secret, 'status', 'key-123456'));
    assert.equal(token, crypto.createHmac('sha256', secret).update('status:key-123456').digest('base64url'));
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  });

  it('derivedToken, with another secret, purpose or value, gives another token', () => {
    const base = derivedToken('s'.repeat(40), 'status', 'key-123456');
    assert.notEqual(derivedToken('t'.repeat(40), 'status', 'key-123456'), base);
    assert.notEqual(derivedToken('s'.repeat(40), 'other', 'key-123456'), base);
    assert.notEqual(derivedToken('s'.repeat(40), 'status', 'key-123457'), base);
  });

  it('fingerprint, for the same payload with keys in another order, gives the same hash', () => {
    const a = fingerprint({ name: 'Dana', topics: ['a', 'b'], n: 3 });
    const b = fingerprint({ n: 3, topics: ['a', 'b'], name: 'Dana' });
    assert.equal(a, b);
    assert.match(a, /^[0-9a-f]{64}$/);
  });

  it('fingerprint, for payloads that differ in a value, a type, a list order or a missing field, gives different hashes', () => {
    const base = fingerprint({ name: 'Dana', topics: ['a', 'b'], n: 3 });
    assert.notEqual(fingerprint({ name: 'Dana', topics: ['a', 'b'], n: 4 }), base);
    assert.notEqual(fingerprint({ name: 'Dana', topics: ['a', 'b'], n: '3' }), base);
    assert.notEqual(fingerprint({ name: 'Dana', topics: ['b', 'a'], n: 3 }), base);
    assert.notEqual(fingerprint({ name: 'Dana', topics: ['a', 'b'] }), base);
  });

  it('safeEqual, for equal, different and different-length strings, answers true, false, false', () => {
    assert.equal(safeEqual('same-token', 'same-token'), true);
    assert.equal(safeEqual('same-token', 'same-tokeN'), false);
    assert.equal(safeEqual('short', 'longer-one'), false);
    assert.equal(safeEqual('', ''), true);
  });
});
