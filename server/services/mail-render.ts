import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
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

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** The HTML part from the text: paragraphs kept, every character escaped, links made clickable. */
export function textToHtml(text: string): string {
  return text
    .trim()
    .split(/\n{2,}/)
    .map((para) => `<p>${escapeHtml(para).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

/** A message from its template (views/mail/<kind>.txt.hbs): plain text and HTML. */
export function renderMail(kind: string, subject: string, data: Record<string, unknown>): { subject: string; text: string; html: string } {
  const text = template(`${kind}.txt.hbs`)(data).replace(/\n{3,}/g, '\n\n').trim() + '\n';
  const html = template('layout.html.hbs')({ subject, bodyHtml: textToHtml(text) });
  return { subject, text, html };
}
