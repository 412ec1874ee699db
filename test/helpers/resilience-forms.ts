// The routes the app registers and the forms its pages show: what the bad-input tests aim at.

import type { Express } from 'express';

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: unknown[] } };

/** Every route the app registers, as [METHOD, path], read from the router as the route matrix does. */
export function registeredRoutes(app: Express): [string, string][] {
  const out: [string, string][] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) for (const m of Object.keys(layer.route.methods)) out.push([m.toUpperCase(), layer.route.path]);
      else if (layer.handle?.stack) walk(layer.handle.stack as Layer[]);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

/** Fills a route's parameters: by the segment before each (`/cases/:id` → a case id), else "1". */
export function fillPath(path: string, ids: Record<string, string>): string {
  const segments = path.split('/');
  return segments
    .map((seg, i) => {
      const m = /^:(\w+)(.*)$/.exec(seg);
      if (!m) return seg;
      const [, name, rest] = m;
      return (ids[name] ?? ids[segments[i - 1]] ?? '1') + rest;
    })
    .join('/');
}

export type Pairs = [string, unknown][];

function decode(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" };
  return text.replace(/&(#x?[0-9a-f]+|amp|lt|gt|quot);/gi, (all, ent: string) => {
    if (named[ent.toLowerCase()]) return named[ent.toLowerCase()];
    if (ent.startsWith('#x')) return String.fromCodePoint(parseInt(ent.slice(2), 16));
    if (ent.startsWith('#')) return String.fromCodePoint(Number(ent.slice(1)));
    return all;
  });
}

const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return m ? decode(m[1]) : undefined;
};

/** The fields of every POST form on a page, as a browser would submit them, by action path. */
export function formsOf(html: string): Map<string, Pairs> {
  const out = new Map<string, Pairs>();
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    if ((attr(m[1], 'method') ?? 'get').toLowerCase() !== 'post') continue;
    const action = new URL(attr(m[1], 'action') ?? '/', 'http://x').pathname;
    const pairs: Pairs = [];
    const radios = new Set<string>();
    const boxes = new Map<string, string>();
    for (const f of m[2].matchAll(/<(input|select|textarea)\b([^>]*)>(?:([\s\S]*?)<\/\1>)?/gi)) {
      const [, kind, tag, inner] = f;
      const name = attr(tag, 'name');
      if (!name || name === '_csrf') continue;
      if (kind.toLowerCase() === 'textarea') pairs.push([name, decode(inner ?? '')]);
      else if (kind.toLowerCase() === 'select') {
        const options = [...(inner ?? '').matchAll(/<option\b([^>]*)>/gi)].map((o) => o[1]);
        const chosen = options.find((o) => /\sselected\b/.test(o)) ?? options.find((o) => attr(o, 'value')) ?? options[0];
        pairs.push([name, chosen ? (attr(chosen, 'value') ?? '') : '']);
      } else {
        const type = (attr(tag, 'type') ?? 'text').toLowerCase();
        const checked = /\schecked\b/.test(tag);
        if (type === 'submit' || type === 'button' || type === 'file') continue;
        if (type === 'radio') {
          if (checked || !radios.has(name)) {
            if (radios.has(name))
              pairs.splice(
                pairs.findIndex(([k]) => k === name),
                1,
              );
            pairs.push([name, attr(tag, 'value') ?? 'on']);
            radios.add(name);
          }
        } else if (type === 'checkbox') {
          if (checked) pairs.push([name, attr(tag, 'value') ?? 'on']);
          else if (!boxes.has(name)) boxes.set(name, attr(tag, 'value') ?? 'on');
        } else pairs.push([name, attr(tag, 'value') ?? '']);
      }
    }
    // A list of checkboxes with none ticked (topics, consultants) gets its first, as a person would tick one.
    for (const [name, v] of boxes) if (!pairs.some(([k]) => k === name)) pairs.push([name, v]);
    if (!out.has(action)) out.set(action, pairs);
  }
  return out;
}
