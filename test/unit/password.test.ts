import assert from 'node:assert/strict';
import { loadConfig } from '../../server/config';
import { breachedCount, isBreached } from '../../server/services/breached-passwords';
import {
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  hashPassword,
  needsRehash,
  passwordProblem,
  scryptParams,
  verifyPassword,
} from '../../server/services/password.service';

const FAST = { logN: 10, r: 8, p: 1 };
const HASH_FORMAT = /^scrypt\$ln=(\d+),r=8,p=1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/;

/** A strong passphrase of unrelated words, cut to exactly `length` characters. */
function passphrase(length: number): string {
  const words = [
    'granite',
    'lantern',
    'harbor',
    'violet',
    'canyon',
    'spruce',
    'otter',
    'meadow',
    'quartz',
    'pepper',
    'ribbon',
    'saddle',
    'thimble',
    'walnut',
    'zephyr',
    'juniper',
  ];
  let text = '';
  for (let i = 0; text.length < length; i += 1) text += `${words[(i * 5) % words.length]}-${(i * 7) % 13} `;
  return text.slice(0, length);
}

describe('Password hashing (password.service)', () => {
  it('hashPassword, with test parameters, stores the algorithm and its parameters with a random salt', async () => {
    const a = await hashPassword('Granite-lamp-harbor-41', FAST);
    const b = await hashPassword('Granite-lamp-harbor-41', FAST);
    assert.match(a, HASH_FORMAT);
    assert.equal(HASH_FORMAT.exec(a)?.[1], '10');
    assert.notEqual(a, b, 'two hashes of one password must differ (salted)');
  });

  it('verifyPassword, with the right password, answers true', async () => {
    const hash = await hashPassword('Granite-lamp-harbor-41', FAST);
    assert.equal(await verifyPassword('Granite-lamp-harbor-41', hash), true);
  });

  it('verifyPassword, with a wrong password or a changed case, answers false', async () => {
    const hash = await hashPassword('Granite-lamp-harbor-41', FAST);
    assert.equal(await verifyPassword('Granite-lamp-harbor-42', hash), false);
    assert.equal(await verifyPassword('granite-lamp-harbor-41', hash), false);
    assert.equal(await verifyPassword('', hash), false);
  });

  it('verifyPassword, with no hash or a hash in an unknown format, answers false', async () => {
    assert.equal(await verifyPassword('Granite-lamp-harbor-41', null), false);
    assert.equal(await verifyPassword('Granite-lamp-harbor-41', 'bcrypt$2b$10$abcdefghijklmnopqrstuv'), false);
    assert.equal(await verifyPassword('Granite-lamp-harbor-41', 'Granite-lamp-harbor-41'), false);
  });

  it('verifyPassword, with a hash made under other parameters, reads them from the hash', async () => {
    const hash = await hashPassword('Granite-lamp-harbor-41', { logN: 11, r: 8, p: 1 });
    assert.match(hash, /^scrypt\$ln=11,/);
    assert.equal(await verifyPassword('Granite-lamp-harbor-41', hash), true);
  });

  it('needsRehash, with a hash weaker than the current parameters, answers true, and false once equal', async () => {
    const hash = await hashPassword('Granite-lamp-harbor-41', FAST);
    assert.equal(needsRehash(hash, { logN: 17, r: 8, p: 1 }), true);
    assert.equal(needsRehash(hash, { logN: 11, r: 8, p: 1 }), true);
    assert.equal(needsRehash(hash, FAST), false);
  });

  it('needsRehash, with a hash in an unknown format, answers true', () => {
    assert.equal(needsRehash('md5$5f4dcc3b5aa765d61d8327deb882cf99', FAST), true);
    assert.equal(needsRehash('', FAST), true);
  });
});

describe('Password cost settings (config)', () => {
  it("loadConfig, in production with no SCRYPT_LOG_N, uses OWASP's N = 2^15 with p = 3 (32 MiB a hash)", () => {
    const config = loadConfig({ NODE_ENV: 'production', SECRET: 'x'.repeat(40), DATA_DIR: '/tmp/leep-unused' });
    assert.equal(config.scryptLogN, 15);
    assert.deepEqual(scryptParams(config.scryptLogN), { logN: 15, r: 8, p: 3 });
    assert.deepEqual(scryptParams(17), { logN: 17, r: 8, p: 1 });
    assert.deepEqual(scryptParams(13), { logN: 13, r: 8, p: 10 });
  });

  it("needsRehash, with OWASP's N = 2^17 p = 1 hash against the N = 2^15 p = 3 setting, keeps it (more work), and rehashes a lighter one", async () => {
    const strong = '$'; // only the parameters are read
    assert.equal(needsRehash(`scrypt$ln=17,r=8,p=1${strong}c2FsdA==$a2V5`, scryptParams(15)), false);
    assert.equal(needsRehash(`scrypt$ln=14,r=8,p=5${strong}c2FsdA==$a2V5`, scryptParams(15)), true);
  });

  it('loadConfig, in tests, uses a lower cost that SCRYPT_LOG_N can change', () => {
    assert.ok(loadConfig({ NODE_ENV: 'test' }).scryptLogN < 17);
    assert.equal(loadConfig({ NODE_ENV: 'test', SCRYPT_LOG_N: '12' }).scryptLogN, 12);
  });

  it('loadConfig, in production with SCRYPT_LOG_N below 13, refuses to start', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production', SECRET: 'x'.repeat(40), SCRYPT_LOG_N: '12' }), /SCRYPT_LOG_N/);
  });
});

describe('Password policy (passwordProblem)', () => {
  it('passwordProblem, with 11 characters, refuses it naming the minimum', () => {
    assert.equal(MIN_PASSWORD_LENGTH, 12);
    assert.match(passwordProblem('Gran1te-lam') ?? '', /at least 12 characters/);
  });

  it('passwordProblem, with a strong password of 12 or more characters, accepts it', () => {
    assert.equal(passwordProblem('Granite-lamp'), undefined);
    assert.equal(passwordProblem('Granite-lamp-harbor-41'), undefined);
  });

  it('passwordProblem, with a strong 200-character passphrase, accepts it', () => {
    const text = passphrase(200);
    assert.equal(text.length, 200);
    assert.equal(passwordProblem(text), undefined);
  });

  it('passwordProblem, with 300 characters, refuses it naming the maximum', () => {
    const text = passphrase(300);
    assert.equal(text.length, 300);
    assert.match(passwordProblem(text) ?? '', new RegExp(`${MAX_PASSWORD_LENGTH} characters or fewer`));
  });

  it('passwordProblem, with any characters (spaces, accents, emoji), accepts a strong one', () => {
    assert.equal(passwordProblem('crème brûlée 🚲 à vélo lundi'), undefined);
  });

  for (const common of ['password1234', 'qwertyuiop123', 'passwordpassword', '123456789012', 'iloveyou1234']) {
    it(`passwordProblem, with the common password "${common}", refuses it as breached or too easy to guess`, () => {
      assert.match(passwordProblem(common) ?? '', /data breaches|too common or too easy to guess/);
    });
  }

  it("passwordProblem, with a password that is the user's e-mail address plus a digit, refuses it", () => {
    const email = 'dana.whitfield@example.org';
    assert.ok(passwordProblem(`${email}1`, [email]));
    assert.ok(passwordProblem('dana.whitfield-granite-lamp', [email]), 'the local part of the address must be refused too');
  });

  it("passwordProblem, with a long password that contains the user's e-mail address, refuses it", () => {
    const email = 'dana.whitfield@example.org';
    assert.ok(passwordProblem(`X${email}!`, [email]), 'X<e-mail>! must be refused');
    assert.ok(passwordProblem(`${email}-Granite`, [email]), '<e-mail>-Granite must be refused');
    assert.ok(passwordProblem(`Granite-${email.toUpperCase()}`, [email]), 'the e-mail in capitals must be refused');
  });

  it('passwordProblem, with a strong password that does not contain the e-mail address, accepts it while the address is given', () => {
    assert.equal(passwordProblem('XGranite-lamp-harbor!', ['dana.whitfield@example.org', 'Dana Whitfield']), undefined);
  });
});

describe('Password policy: breached passwords and known words', () => {
  it('breachedCount, the offline list shipped in the repository, holds at least 100,000 passwords', () => {
    assert.ok(breachedCount() >= 100_000, `${breachedCount()} passwords`);
  });

  it('isBreached, for well-known leaked passwords in any case, answers true, and false for a random phrase', () => {
    for (const word of ['iloveyou', 'Password1234', 'correcthorsebatterystaple', 'qwerty123456', 'sunshine'])
      assert.equal(isBreached(word), true, word);
    assert.equal(isBreached('Granite-lamp-harbor-41'), false);
    assert.equal(isBreached('crème brûlée'), false);
  });

  for (const breached of [
    'correcthorsebatterystaple',
    'Spring2025!!!',
    'iloveyou2024!!',
    'Nasbe2024!!!',
    'LEEP2026-2027!',
    'Sunshine!!2024',
  ]) {
    it(`passwordProblem, with "${breached}" (found by the hostile test), refuses it`, () => {
      assert.ok(passwordProblem(breached, ['Dana Whitfield', 'dana.whitfield@example.org']), breached);
    });
  }

  it("passwordProblem, with the user's surname and digits around it, refuses it, and accepts it for another user", () => {
    assert.match(passwordProblem('Whitfield2024!!!', ['Dana Whitfield', 'dana.whitfield@example.org']) ?? '', /digits or signs added/);
    assert.equal(passwordProblem('Whitfield2024!!!', ['Marisol Vega', 'marisol.vega@example.org']), undefined);
  });

  for (const own of ['WhitfieldDana12', 'Ohio.Whitfield.2024', 'Stateboard.Ohio.Dana.1990', 'LeepNasbeDana2026']) {
    it(`passwordProblem, with "${own}", made of the pieces of the user's name, e-mail domain and the program's words, refuses it; another user may use it`, () => {
      assert.match(
        passwordProblem(own, ['Dana Whitfield', 'dana.whitfield@stateboard-ohio.org']) ?? '',
        /made of your name|digits or signs added/,
      );
      if (!/leep|nasbe/i.test(own)) assert.equal(passwordProblem(own, ['Marisol Vega', 'mv@example.org']), undefined);
    });
  }

  it("passwordProblem, with a short mix of the pieces of the user's name and e-mail domain, refuses it, and accepts it for a stranger", () => {
    const inputs = ['Dana Whitfield', 'dana.whitfield@stateboard-ohio.org'];
    assert.match(passwordProblem('StateboardDana1', inputs) ?? '', /too common or too easy to guess|made of your name/);
    assert.equal(passwordProblem('StateboardDana1', ['Marisol Vega', 'mv@example.org']), undefined);
  });
});
