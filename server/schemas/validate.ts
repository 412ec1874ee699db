import Ajv, { ErrorObject, JSONSchemaType, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { FieldError, ValidationError } from '../errors';
import { EARLIEST_DATE, LATEST_DATE, isDateInRange } from '../services/time';
import { SINGLE_LINE_MAX, textProblem, textProblemMessage } from './text-rules';

// One AJV for the whole app. It never coerces or fills defaults: a form body is first put into
// the JSON shape (see `formToPayload`) so that the API and the form are judged by the same rules.
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv, ['email', 'date', 'time', 'uri']);
// Every date the app takes (forms, API, report filters) lies in 2000-01-01..2100-12-31: a far
// date is a typing slip, and years like 9999 overflow the time-zone arithmetic of the reports.
ajv.addFormat('date', { type: 'string', validate: isDateInRange });

type Schema = { properties?: Record<string, PropertySchema>; required?: readonly string[] };
type PropertySchema = {
  type?: string | string[];
  title?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: PropertySchema;
  enum?: readonly unknown[];
  format?: string;
};

interface Validator<T> {
  schema: Schema;
  /** Returns the payload typed, or throws ValidationError naming each wrong field once. */
  (payload: unknown): T;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function fieldOf(err: ErrorObject): string {
  if (err.keyword === 'required') return String(err.params.missingProperty);
  if (err.keyword === 'additionalProperties') return String(err.params.additionalProperty);
  const [first] = err.instancePath.split('/').filter(Boolean);
  return first ?? '_';
}

function messageOf(err: ErrorObject, schema: Schema, field: string): string {
  const prop = schema.properties?.[field];
  // `_` is the payload itself (an array or a string sent instead of an object).
  const label = prop?.title ?? (field === '_' ? 'The request' : field);
  const isChoice = Boolean(prop && (prop as { enum?: unknown }).enum) || prop?.type === 'array';
  switch (err.keyword) {
    case 'required':
    case 'minItems':
      return isChoice ? `Choose ${lowerFirst(label)}` : `Enter ${lowerFirst(label)}`;
    case 'pattern':
    case 'minLength':
      return `Enter ${lowerFirst(label)}`;
    case 'maxLength':
      return `${label} must be ${Number(err.params.limit).toLocaleString('en-US')} characters or fewer`;
    case 'maxItems':
      return `Choose at most ${err.params.limit} for ${lowerFirst(label)}`;
    case 'format':
      if (err.params.format === 'email') return 'Enter an e-mail address in the correct format, like name@example.org';
      if (err.params.format === 'date') return `${label} must be a real date from ${EARLIEST_DATE} to ${LATEST_DATE}, like 2027-03-15`;
      if (err.params.format === 'time') return `${label} must be a time, like 14:30`;
      return `${label} is not in the correct format`;
    case 'enum':
      return `Choose ${lowerFirst(label)} from the list`;
    case 'type': {
      const t = String(err.params.type);
      const word =
        t === 'integer'
          ? 'a whole number'
          : t === 'array'
            ? 'a list'
            : t === 'string'
              ? 'text'
              : t === 'object'
                ? 'a JSON object'
                : `a ${t}`;
      return `${label} must be ${word}`;
    }
    case 'minimum':
    case 'maximum':
      return `${label} must be between ${prop?.minimum ?? 0} and ${(prop?.maximum ?? 0).toLocaleString('en-US')}`;
    case 'uniqueItems':
      return `${label} lists the same choice twice`;
    case 'additionalProperties':
      return `${field} is not a recognised field`;
    default:
      return `${label} is not valid`;
  }
}

/** Turns AJV's errors into one plain-language message per field, in the schema's field order. */
export function fieldErrors(errors: ErrorObject[] | null | undefined, schema: Schema): FieldError[] {
  const byField = new Map<string, string>();
  for (const err of errors ?? []) {
    const field = fieldOf(err);
    if (!byField.has(field)) byField.set(field, messageOf(err, schema, field));
  }
  const order = Object.keys(schema.properties ?? {});
  return [...byField.entries()]
    .sort(([a], [b]) => (order.indexOf(a) + 1 || 999) - (order.indexOf(b) + 1 || 999))
    .map(([field, message]) => ({ field, message }));
}

/** The free-text fields of a schema (not passwords, choices or formatted values), and whether each is one line. */
function textFields(schema: Schema): Map<string, boolean> {
  const fields = new Map<string, boolean>();
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const types = Array.isArray(prop.type) ? prop.type : [prop.type];
    if (!types.includes('string') || prop.enum || prop.format || /password/.test(name)) continue;
    fields.set(name, prop.maxLength !== undefined && prop.maxLength <= SINGLE_LINE_MAX);
  }
  return fields;
}

/**
 * Applies the text rules (text-rules.ts) to a payload: one-line fields are trimmed, and a field
 * with control, direction-changing or only invisible characters gets a message. Returns the
 * payload to validate (a trimmed copy when anything was trimmed) and the messages.
 */
function applyTextRules(payload: unknown, schema: Schema, fields: Map<string, boolean>): { payload: unknown; errors: FieldError[] } {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return { payload, errors: [] };
  const out: Record<string, unknown> = { ...(payload as Record<string, unknown>) };
  const errors: FieldError[] = [];
  for (const [name, singleLine] of fields) {
    const value = out[name];
    if (typeof value !== 'string') continue;
    if (singleLine) out[name] = value.trim();
    const problem = textProblem(out[name] as string, singleLine);
    if (problem) errors.push({ field: name, message: textProblemMessage(problem, schema.properties?.[name]?.title ?? name) });
  }
  return { payload: out, errors };
}

/** Compiles a schema once, at start-up. */
export function compile<T>(schema: JSONSchemaType<T> | Schema): Validator<T> {
  const check: ValidateFunction = ajv.compile(schema as object);
  const fields = textFields(schema as Schema);
  const validator = ((raw: unknown): T => {
    const { payload, errors: textErrors } = applyTextRules(raw, schema as Schema, fields);
    const schemaErrors = check(payload) ? [] : fieldErrors(check.errors, schema as Schema);
    if (schemaErrors.length || textErrors.length) {
      // The schema's message first (a missing or too long field), then the text rules' for the rest.
      const named = new Set(schemaErrors.map((e) => e.field));
      const order = Object.keys((schema as Schema).properties ?? {});
      const all = [...schemaErrors, ...textErrors.filter((e) => !named.has(e.field))];
      all.sort((a, b) => (order.indexOf(a.field) + 1 || 999) - (order.indexOf(b.field) + 1 || 999));
      throw new ValidationError(all);
    }
    return payload as T;
  }) as Validator<T>;
  validator.schema = schema as Schema;
  return validator;
}

/**
 * Puts a url-encoded form body into the JSON shape its schema describes: blank fields are left
 * out, list fields become arrays, and whole numbers are read as numbers when they are digits
 * (anything else is kept as typed, for the schema to reject with a message).
 */
export function formToPayload(body: Record<string, unknown>, schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    let value = body[name];
    if (value === undefined) continue;
    const type = Array.isArray(prop.type) ? prop.type[0] : prop.type;
    // Only text and numbers are read as a form sends them; anything else (an object posted as JSON
    // to a form route) is passed on as it is, for the schema to refuse.
    const primitive = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    if (type === 'array') {
      const list = (Array.isArray(value) ? value : [value]).map((v) => (primitive(v) ? String(v).trim() : v)).filter((v) => v !== '');
      if (list.length) out[name] = list;
      continue;
    }
    if (Array.isArray(value)) value = value[value.length - 1];
    if (!primitive(value)) {
      out[name] = value;
      continue;
    }
    const text = typeof value === 'string' ? value.replace(/\r\n/g, '\n') : String(value);
    if (text.trim() === '') continue;
    if (type === 'integer' || type === 'number') {
      out[name] = /^\s*-?\d+\s*$/.test(text) ? Number(text) : text.trim();
    } else if (type === 'boolean') {
      out[name] = text === 'true' || text === 'on' || text === '1';
    } else {
      out[name] = name === 'email' || prop.maxLength === undefined || prop.maxLength <= 300 ? text.trim() : text;
    }
  }
  return out;
}

/**
 * A copy of the form body with every field as typed, for re-rendering a form that failed: text
 * and lists of text only (something else, posted as JSON, is not shown back).
 */
export function keptValues(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
  for (const [k, v] of Object.entries(body ?? {})) {
    if (Array.isArray(v)) out[k] = v.map(text).filter((x) => x !== undefined);
    else if (text(v) !== undefined) out[k] = text(v);
  }
  return out;
}
