import assert from 'node:assert/strict';
import { checkedValues, escapeHtml, offeredValues, shownValue } from './html';

export type Form = Record<string, string | string[] | undefined>;

const SELECTS = ['jurisdiction'];
const RADIOS = ['organization_type', 'track', 'preferred_format'];
const CHECKBOXES = ['topics'];
const NOT_SHOWN = ['_csrf', 'website'];

/**
 * Asserts that a re-rendered form shows every value the requester typed. A choice that is not on
 * the list (an unknown state, a made-up topic) cannot be shown as chosen, so it is left out.
 */
export function assertKeepsValues(html: string, form: Form): void {
  for (const [name, value] of Object.entries(form)) {
    if (value === undefined || NOT_SHOWN.includes(name)) continue;
    if (name === 'idempotency_key') {
      assert.ok(html.includes(`name="idempotency_key" value="${escapeHtml(String(value))}"`), 'the submission key is kept');
    } else if (CHECKBOXES.includes(name) || RADIOS.includes(name)) {
      const offered = offeredValues(html, name);
      const typed = [...new Set(Array.isArray(value) ? value : [value])].filter((v) => offered.includes(v));
      assert.deepEqual(checkedValues(html, name).sort(), typed.sort(), `${name} keeps its choices`);
    } else if (SELECTS.includes(name)) {
      const shown = shownValue(html, name);
      if (html.includes(`<option value="${escapeHtml(String(value))}"`)) assert.equal(shown, value, `${name} keeps its choice`);
    } else {
      assert.equal(shownValue(html, name), Array.isArray(value) ? value[value.length - 1] : value, `${name} keeps what was typed`);
    }
  }
}

export function without(form: Form, name: string): Form {
  const copy = { ...form };
  delete copy[name];
  return copy;
}
