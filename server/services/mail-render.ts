import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { escapeHtml } from '../html';
import { VIEWS_DIR } from '../paths';

const MAIL_DIR = path.join(VIEWS_DIR, 'mail');
const compiled = new Map<string, Handlebars.TemplateDelegate>();

// Mail is plain text first: escaping for HTML happens when the HTML part is made from it.
const mailHandlebars = Handlebars.create();

function template(name: string): Handlebars.TemplateDelegate {
  let t = compiled.get(name);
  if (!t) {
    t = mailHandlebars.compile(fs.readFileSync(path.join(MAIL_DIR, name), 'utf8'), { noEscape: name.endsWith('.txt.hbs') });
    compiled.set(name, t);
  }
  return t;
}

// A link ends at a space, an angle bracket or a quote, and not on the punctuation after it.
const LINK = /https?:\/\/[^\s<>"']+/g;

/** The link without the punctuation that ends the sentence around it. */
function linkText(url: string): string {
  let end = url.length;
  while (end > 0 && /[.,;:!?)\]]/.test(url[end - 1])) {
    // A closing parenthesis belongs to the link when the link opened one ("…/Foo_(bar)").
    if (url[end - 1] === ')' && (url.slice(0, end).match(/\(/g)?.length ?? 0) >= (url.slice(0, end).match(/\)/g)?.length ?? 0)) break;
    end -= 1;
  }
  return url.slice(0, end);
}

/**
 * One paragraph: the links found in the text as written, then each piece escaped on its own. Only
 * the app's own links (`linkable`) are made clickable: a link typed by a requester into a title,
 * a name or a message stays plain text, so that no mail of ours carries a stranger's link.
 */
function paragraphToHtml(para: string, linkable?: ReadonlySet<string>): string {
  let html = '';
  let at = 0;
  for (const m of para.matchAll(LINK)) {
    const url = linkText(m[0]);
    if (!/^https?:\/\/[^/]/.test(url)) continue;
    if (linkable && !linkable.has(url)) continue;
    html += `${escapeHtml(para.slice(at, m.index))}<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
    at = m.index + url.length;
  }
  return (html + escapeHtml(para.slice(at))).replace(/\n/g, '<br>');
}

/**
 * The HTML part from the text: paragraphs kept, every character escaped, links made clickable
 * (only those in `linkable`, when it is given).
 */
export function textToHtml(text: string, linkable?: ReadonlySet<string>): string {
  return text
    .trim()
    .split(/\n{2,}/)
    .map((para) => `<p>${paragraphToHtml(para, linkable)}</p>`)
    .join('\n');
}

/**
 * A message from its template (views/mail/<kind>.txt.hbs): plain text and HTML. The links made
 * clickable are the ones the app put in the data (its `…Url` values), never a link in typed text.
 */
export function renderMail(kind: string, subject: string, data: Record<string, unknown>): { subject: string; text: string; html: string } {
  const text =
    template(`${kind}.txt.hbs`)(data)
      .replace(/\n{3,}/g, '\n\n')
      .trim() + '\n';
  const linkable = new Set(
    Object.entries(data)
      .filter(([k, v]) => k.endsWith('Url') && typeof v === 'string')
      .map(([, v]) => v as string),
  );
  const html = template('layout.html.hbs')({ subject, bodyHtml: textToHtml(text, linkable) });
  return { subject, text, html };
}
