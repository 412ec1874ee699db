// Small readers for the server-rendered HTML, enough to check what a form shows without a DOM.

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
  '=': '&#x3D;',
};
const UNESCAPES: Record<string, string> = Object.fromEntries([...Object.entries(ESCAPES).map(([k, v]) => [v, k]), ['&#39;', "'"]]);

/** Escapes text as Handlebars does for `{{value}}`. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => ESCAPES[c]);
}

/** Undoes `escapeHtml`. */
export function decodeHtml(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#x27|#x60|#x3D|#39);/g, (e) => UNESCAPES[e]);
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? decodeHtml(m[1]) : undefined;
}

function hasFlag(tag: string, name: string): boolean {
  return new RegExp(`\\s${name}(?=[\\s>=/])`).test(tag);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every `<input>` tag on the page with this name. */
function inputsNamed(html: string, name: string): string[] {
  return (html.match(/<input\b[^>]*>/g) ?? []).filter((tag) => attr(tag, 'name') === name);
}

/** What a form control named `name` (with id `field-<name>`) shows: a text input's value, a textarea's text or a select's chosen option. */
export function shownValue(html: string, name: string): string | undefined {
  const id = escapeRegExp(`field-${name}`);
  const textarea = new RegExp(`<textarea\\b[^>]*\\sid="${id}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  if (textarea) return decodeHtml(textarea[1]);
  const select = new RegExp(`<select\\b[^>]*\\sid="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  if (select) {
    const chosen = (select[1].match(/<option\b[^>]*>/g) ?? []).find((tag) => hasFlag(tag, 'selected'));
    return chosen ? attr(chosen, 'value') : undefined;
  }
  const input = (html.match(/<input\b[^>]*>/g) ?? []).find((tag) => attr(tag, 'id') === `field-${name}`);
  return input ? attr(input, 'value') : undefined;
}

/** The values of the checked radios or checkboxes named `name`. */
export function checkedValues(html: string, name: string): string[] {
  return inputsNamed(html, name)
    .filter((tag) => hasFlag(tag, 'checked'))
    .map((tag) => attr(tag, 'value') ?? '');
}

/** The values a radio group or checkbox group named `name` offers. */
export function offeredValues(html: string, name: string): string[] {
  return inputsNamed(html, name).map((tag) => attr(tag, 'value') ?? '');
}

/** The fields the error summary links to (`#field-<name>`), in order; empty when there is no summary. */
export function summaryLinks(html: string): string[] {
  const summary = /<div[^>]*data-error-summary[^>]*>([\s\S]*?)<\/ul>/.exec(html);
  if (!summary) return [];
  return [...summary[1].matchAll(/<a href="#field-([^"]+)">/g)].map((m) => m[1]);
}

/** The message shown next to a field (`#field-<name>-error`), or undefined. */
export function messageNextTo(html: string, name: string): string | undefined {
  const m = new RegExp(`<span class="usa-error-message" id="field-${escapeRegExp(name)}-error"[^>]*>([\\s\\S]*?)</span>`).exec(html);
  return m ? decodeHtml(m[1]) : undefined;
}

/** True when the page has an element with this id (what a `#field-…` link needs to land somewhere). */
export function hasId(html: string, id: string): boolean {
  return new RegExp(`\\sid="${escapeRegExp(id)}"`).test(html);
}
