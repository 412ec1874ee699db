import assert from 'node:assert/strict';
import { ValidationError } from '../../server/errors';
import { validateRequestCreate } from '../../server/schemas/request.schemas';
import { textProblem } from '../../server/schemas/text-rules';
import { requestPayload } from '../helpers/factories';

function errorsOf(payload: unknown): { field: string; message: string }[] {
  try {
    validateRequestCreate(payload);
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return err.errors;
  }
  assert.fail('the payload was accepted');
}

describe('Text rules', () => {
  const refused: [string, string, RegExp][] = [
    ['zero-width spaces only', '\u200B\u200B\u200B', /with at least one letter, digit or sign/],
    ['a BOM and a word joiner only', '\uFEFF\u2060', /with at least one letter, digit or sign/],
    ['a right-to-left override', 'Ana \u202Egnp.exe', /change the direction of the text/],
    ['a left-to-right isolate', '\u2066Ana\u2069', /change the direction of the text/],
    ['a BEL', 'Ana\u0007', /control characters/],
    ['an ESC sequence', 'Ana\u001B[31m', /control characters/],
    ['a CR/LF inside', 'Ana\r\nBcc: x@example.org', /control characters/],
    ['a line separator', 'Ana\u2028Smith', /control characters/],
    ['a NEL (C1)', 'Ana\u0085Smith', /control characters/],
  ];
  for (const [what, name, message] of refused) {
    it(`validateRequestCreate, with a name of ${what}, refuses it with a message at the name`, () => {
      const errors = errorsOf(requestPayload({ name }));
      assert.deepEqual(
        errors.map((e) => e.field),
        ['name'],
      );
      assert.match(errors[0].message, message);
    });
  }

  it('validateRequestCreate, with a title made of zero-width spaces and a role with ESC, names both fields', () => {
    const errors = errorsOf(requestPayload({ title: '\u200B', role: 'Chair\u001B' }));
    assert.deepEqual(
      errors.map((e) => e.field),
      ['role', 'title'],
    );
  });

  it('validateRequestCreate, with spaces around one-line fields, trims them in what it returns', () => {
    const input = validateRequestCreate(requestPayload({ name: '  Ana Smith\t', organization_name: ' Ohio Board ' }));
    assert.equal(input.name, 'Ana Smith');
    assert.equal(input.organization_name, 'Ohio Board');
  });

  it('validateRequestCreate, with line breaks and tabs in a long text (needs), keeps them', () => {
    const input = validateRequestCreate(requestPayload({ needs: 'First line\n\tSecond line\r\nThird' }));
    assert.equal(input.needs, 'First line\n\tSecond line\r\nThird');
  });

  it('validateRequestCreate, with a BEL in a long text or only zero-width spaces, refuses it at that field', () => {
    assert.deepEqual(
      errorsOf(requestPayload({ needs: 'Ring\u0007' })).map((e) => e.field),
      ['needs'],
    );
    assert.deepEqual(
      errorsOf(requestPayload({ outcomes: '\u200B\u200C' })).map((e) => e.field),
      ['outcomes'],
    );
  });

  it('validateRequestCreate, with names in other scripts and with marks, accepts them', () => {
    for (const name of ['José Núñez', 'محمد علي', 'עברית\u200F', '李小龙', 'Zoë O\u2019Neil', '👩🏽‍🏫 Ana']) {
      assert.equal(validateRequestCreate(requestPayload({ name })).name, name);
    }
  });

  it('textProblem, for a single-line value, tells control, bidi and invisible apart', () => {
    assert.equal(textProblem('a\nb', true), 'control');
    assert.equal(textProblem('a\nb', false), undefined);
    assert.equal(textProblem('\u202Eab', true), 'bidi');
    assert.equal(textProblem('\u3164', true), 'invisible');
    assert.equal(textProblem('ok', true), undefined);
  });
});
