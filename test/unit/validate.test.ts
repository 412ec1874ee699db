import assert from 'node:assert/strict';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { ValidationError } from '../../server/errors';
import { requestCreateSchema, validateRequestCreate } from '../../server/schemas/request.schemas';
import { compile, fieldErrors, formToPayload, keptValues } from '../../server/schemas/validate';
import { requestPayload } from '../helpers/factories';

/** The errors a payload gets from the request schema, as the app reports them. */
function errorsOf(payload: unknown): { field: string; message: string }[] {
  try {
    validateRequestCreate(payload);
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return err.errors;
  }
  assert.fail('the payload was accepted');
}

describe('formToPayload', () => {
  const schema = requestCreateSchema;

  it('formToPayload, with a complete form, gives the JSON shape the API takes', () => {
    const body = {
      ...Object.fromEntries(Object.entries(requestPayload()).map(([k, v]) => [k, Array.isArray(v) ? v : String(v)])),
      _csrf: 'token',
      idempotency_key: 'abcdefghijkl',
    };
    assert.deepEqual(formToPayload(body, schema), { ...requestPayload(), idempotency_key: 'abcdefghijkl' });
  });

  it('formToPayload, with blank and space-only fields, leaves them out', () => {
    assert.deepEqual(formToPayload({ name: '', phone: '   ', outcomes: '\r\n', expected_participants: '', title: 'Kept' }, schema), {
      title: 'Kept',
    });
  });

  it('formToPayload, with fields the schema does not know, leaves them out', () => {
    assert.deepEqual(formToPayload({ _csrf: 'x', submit: 'Send', status: 'completed', title: 'T' }, schema), { title: 'T' });
  });

  it('formToPayload, with one topic, makes a list of one', () => {
    assert.deepEqual(formToPayload({ topics: 'equity-lens' }, schema), { topics: ['equity-lens'] });
  });

  it('formToPayload, with several topics and blanks among them, keeps the non-blank ones in order', () => {
    assert.deepEqual(formToPayload({ topics: ['b', '', ' a ', '  '] }, schema), { topics: ['b', 'a'] });
    assert.deepEqual(formToPayload({ topics: ['', ' '] }, schema), {}, 'a list of blanks is no list');
  });

  it('formToPayload, with digits for a whole number, reads a number', () => {
    assert.deepEqual(formToPayload({ expected_participants: '12' }, schema), { expected_participants: 12 });
    assert.deepEqual(formToPayload({ expected_participants: ' 7 ' }, schema), { expected_participants: 7 });
    assert.deepEqual(formToPayload({ expected_participants: '-3' }, schema), { expected_participants: -3 });
  });

  it('formToPayload, with anything else for a whole number, keeps the text for the schema to refuse', () => {
    assert.deepEqual(formToPayload({ expected_participants: '1.5' }, schema), { expected_participants: '1.5' });
    assert.deepEqual(formToPayload({ expected_participants: ' twelve ' }, schema), { expected_participants: 'twelve' });
    assert.deepEqual(formToPayload({ expected_participants: '1e3' }, schema), { expected_participants: '1e3' });
  });

  it('formToPayload, with spaces around short text, trims it; long text keeps its spaces', () => {
    const out = formToPayload({ name: '  Dana  ', email: ' d@example.org ', needs: '  indented\n', outcomes: ' x ' }, schema);
    assert.deepEqual(out, { name: 'Dana', email: 'd@example.org', needs: '  indented\n', outcomes: ' x ' });
  });

  it('formToPayload, with CRLF line breaks, turns them into LF', () => {
    assert.deepEqual(formToPayload({ needs: 'one\r\ntwo\r\n' }, schema), { needs: 'one\ntwo\n' });
  });

  it('formToPayload, with a single-valued field sent twice, takes the last value', () => {
    assert.deepEqual(formToPayload({ jurisdiction: ['OH', 'MI'] }, schema), { jurisdiction: 'MI' });
  });

  it('formToPayload, with a boolean field, reads on, true and 1 as true and anything else as false', () => {
    const flags = { properties: { flag: { type: 'boolean' } } };
    for (const on of ['on', 'true', '1']) assert.deepEqual(formToPayload({ flag: on }, flags), { flag: true });
    for (const off of ['off', 'no', '0']) assert.deepEqual(formToPayload({ flag: off }, flags), { flag: false });
  });

  it('formToPayload, after conversion, lets a valid form pass the same schema as the API', () => {
    const body = Object.fromEntries(Object.entries(requestPayload()).map(([k, v]) => [k, Array.isArray(v) ? v : String(v)]));
    assert.deepEqual(validateRequestCreate(formToPayload(body, schema)), requestPayload());
  });
});

describe('keptValues', () => {
  it('keptValues, with a form body, copies every field as typed', () => {
    const body = { title: '  spaced  ', topics: ['a', 'b'], _csrf: 't' };
    const kept = keptValues(body);
    assert.deepEqual(kept, body);
    assert.notEqual(kept, body, 'a copy, not the same object');
  });
});

describe('fieldErrors', () => {
  it('fieldErrors, for a missing text field, says "Enter …" with the field\'s label', () => {
    const payload = requestPayload();
    delete payload.name;
    assert.deepEqual(errorsOf(payload), [{ field: 'name', message: 'Enter your name' }]);
  });

  it('fieldErrors, for a missing choice, says "Choose …"', () => {
    const payload = requestPayload();
    delete payload.jurisdiction;
    delete payload.topics;
    assert.deepEqual(errorsOf(payload), [
      { field: 'jurisdiction', message: 'Choose your state or jurisdiction' },
      { field: 'topics', message: 'Choose at least one topic' },
    ]);
  });

  it('fieldErrors, for text over its limit, gives the limit with a thousands separator', () => {
    assert.deepEqual(errorsOf(requestPayload({ needs: 'x'.repeat(5001) })), [
      { field: 'needs', message: 'What you need must be 5,000 characters or fewer' },
    ]);
    assert.deepEqual(errorsOf(requestPayload({ title: 'x'.repeat(121) })), [
      { field: 'title', message: 'A short title for your request must be 120 characters or fewer' },
    ]);
  });

  it('fieldErrors, for a bad e-mail address or date, gives an example of the right form', () => {
    assert.match(errorsOf(requestPayload({ email: 'dana' }))[0].message, /like name@example\.org/);
    assert.deepEqual(errorsOf(requestPayload({ preferred_start: '2027-02-30' })), [
      { field: 'preferred_start', message: 'Preferred start date must be a real date from 2000-01-01 to 2100-12-31, like 2027-03-15' },
    ]);
  });

  it('fieldErrors, for a wrong type, names the type in words', () => {
    assert.deepEqual(errorsOf(requestPayload({ expected_participants: '12' })), [
      { field: 'expected_participants', message: 'Expected number of participants must be a whole number' },
    ]);
    assert.deepEqual(errorsOf(requestPayload({ topics: 'equity-lens' })), [
      { field: 'topics', message: 'At least one topic must be a list' },
    ]);
    assert.deepEqual(errorsOf(requestPayload({ title: 5 })), [{ field: 'title', message: 'A short title for your request must be text' }]);
  });

  it('fieldErrors, for a number out of range, gives the range', () => {
    assert.deepEqual(errorsOf(requestPayload({ expected_participants: 0 })), [
      { field: 'expected_participants', message: 'Expected number of participants must be between 1 and 10,000' },
    ]);
  });

  it('fieldErrors, for an unknown field, names it', () => {
    assert.deepEqual(errorsOf(requestPayload({ colour: 'teal' })), [{ field: 'colour', message: 'colour is not a recognised field' }]);
  });

  it('fieldErrors, for a body that is not an object, says so in words', () => {
    assert.deepEqual(errorsOf([requestPayload()]), [{ field: '_', message: 'The request must be a JSON object' }]);
    assert.deepEqual(errorsOf(null), [{ field: '_', message: 'The request must be a JSON object' }]);
  });

  it('fieldErrors, for a field with several problems, gives one message for it', () => {
    // Too long and blank-pattern failures on the same field: only the first is reported.
    const errors = errorsOf(requestPayload({ topics: ['BAD SLUG', 'BAD SLUG'] }));
    assert.deepEqual(
      errors.map((e) => e.field),
      ['topics'],
    );
  });

  it("fieldErrors, for several fields, lists them in the schema's order whatever order AJV found them", () => {
    const schema = { properties: { a: { title: 'A' }, b: { title: 'B' }, c: { title: 'C' } } };
    const ajvErrors = [
      { keyword: 'required', instancePath: '', schemaPath: '', params: { missingProperty: 'c' } },
      { keyword: 'additionalProperties', instancePath: '', schemaPath: '', params: { additionalProperty: 'zz' } },
      { keyword: 'required', instancePath: '', schemaPath: '', params: { missingProperty: 'a' } },
      { keyword: 'maxLength', instancePath: '/b', schemaPath: '', params: { limit: 1000 } },
    ];
    assert.deepEqual(fieldErrors(ajvErrors, schema), [
      { field: 'a', message: 'Enter a' },
      { field: 'b', message: 'B must be 1,000 characters or fewer' },
      { field: 'c', message: 'Enter c' },
      { field: 'zz', message: 'zz is not a recognised field' },
    ]);
  });

  it('fieldErrors, with no errors, gives an empty list', () => {
    assert.deepEqual(fieldErrors(null, { properties: {} }), []);
    assert.deepEqual(fieldErrors(undefined, { properties: {} }), []);
  });

  it("fieldErrors, on AJV's own output for a schema, agrees with compile()", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const check = ajv.compile(requestCreateSchema);
    const bad = requestPayload({ email: 'x', jurisdiction: 'ZZ' });
    assert.equal(check(bad), false);
    assert.deepEqual(fieldErrors(check.errors, requestCreateSchema), errorsOf(bad));
  });
});

describe('compile', () => {
  it('compile, for a valid payload, returns it unchanged and never coerces', () => {
    const validate = compile<{ n: number }>({
      type: 'object',
      properties: { n: { type: 'integer' } },
      required: ['n'],
      additionalProperties: false,
    });
    assert.deepEqual(validate({ n: 3 }), { n: 3 });
    assert.throws(() => validate({ n: '3' }), ValidationError);
    assert.equal(typeof validate.schema, 'object');
  });
});
