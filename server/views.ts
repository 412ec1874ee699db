import fs from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import Handlebars from 'handlebars';
import type { Config } from './config';
import { VIEWS_DIR } from './paths';
import { humanTime } from './services/human-time';

const VIEWS = VIEWS_DIR;
const EXT = '.hbs';
const LAYOUTS_DIR = path.join(VIEWS, 'layouts');
const PARTIALS_DIR = path.join(VIEWS, 'partials');
// Partials inside indented markup must not indent the text of a <textarea> they render.
const COMPILE_OPTIONS = { preventIndent: true };

const numberFmt = new Intl.NumberFormat('en-US');

/** Handlebars helpers; dates and times are shown in the program's time zone. */
export function helpers(config: Pick<Config, 'timeZone'>) {
  const human = humanTime(config.timeZone);
  return {
    eq: (a: unknown, b: unknown) => a === b,
    lt: (a: unknown, b: unknown) => Number(a) < Number(b),
    not: (a: unknown) => !a,
    or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
    and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
    includes: (list: unknown, value: unknown) =>
      Array.isArray(list) ? list.map(String).includes(String(value)) : String(list ?? '') === String(value),
    lookup2: (obj: Record<string, unknown> | undefined, key: string) => obj?.[key],
    // One human format everywhere people read (services/human-time.ts): "Dec 3, 2026, 2:00 PM ET".
    /** A timestamp, e.g. "Nov 23, 2026, 11:37 AM ET". */
    dateTime: (v: unknown) => human.dateTime(v),
    /** A timestamp's day, e.g. "Nov 23, 2026". */
    date: (v: unknown) => human.date(v),
    /** A calendar date stored as YYYY-MM-DD, shown without any time-zone shift. */
    calendarDate: (v: unknown) => human.calendarDate(v),
    /** A calendar date and a stored local start time (if any), e.g. "Dec 3, 2026, 2:00 PM ET". */
    dateAndTime: (date: unknown, time: unknown) => human.dateAndTime(date, typeof time === 'string' ? time : undefined),
    isoDateTime: (v: unknown) => (v ? (v instanceof Date ? v : new Date(String(v))).toISOString() : ''),
    lowercase: (v: unknown) => String(v ?? '').toLowerCase(),
    /** `a` when the condition holds, else `b`: one partial worded for the public or for staff. */
    choose: (cond: unknown, a: unknown, b: unknown) => (cond ? a : b),
    /** The label of a value among [{value, label}] options: words in captions, never codes. */
    optionLabel: (options: unknown, value: unknown) =>
      (Array.isArray(options) ? options.find((o) => String(o?.value) === String(value))?.label : undefined) ?? String(value ?? ''),
    number: (v: unknown) => numberFmt.format(Number(v ?? 0)),
    add: (a: unknown, b: unknown) => Number(a) + Number(b),
    json: (v: unknown) => JSON.stringify(v),
    concat: (...args: unknown[]) => args.slice(0, -1).join(''),
  };
}

/** Every `.hbs` file below `dir`, as paths relative to it with forward slashes. */
function templatesIn(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) return templatesIn(path.join(dir, e.name), rel);
    return e.name.endsWith(EXT) ? [rel] : [];
  });
}

type RenderOptions = Record<string, unknown> & { layout?: string | false | null; settings?: unknown; _locals?: unknown; cache?: boolean };
type Callback = (err: Error | null, html?: string) => void;

/**
 * The view engine: Handlebars with the partials of views/partials (named by their path, e.g.
 * `layout/header`) and the layouts of views/layouts (`main` unless a render names another, or
 * `layout: false`). Outside development every template is compiled once and kept, so that a
 * render is only the template's own work: no file-system lookups, no promise chain per partial.
 */
export function createViewEngine(config: Pick<Config, 'timeZone'>, options: { cache: boolean }) {
  let env: typeof Handlebars | undefined;
  const compiled = new Map<string, Handlebars.TemplateDelegate>();

  const environment = (): typeof Handlebars => {
    if (env && options.cache) return env;
    const fresh = Handlebars.create();
    fresh.registerHelper(helpers(config));
    for (const rel of templatesIn(PARTIALS_DIR)) {
      fresh.registerPartial(
        rel.slice(0, -EXT.length),
        fresh.compile(fs.readFileSync(path.join(PARTIALS_DIR, rel), 'utf8').trim(), COMPILE_OPTIONS),
      );
    }
    env = fresh;
    compiled.clear();
    return fresh;
  };

  const template = (hb: typeof Handlebars, file: string): Handlebars.TemplateDelegate => {
    let t = options.cache ? compiled.get(file) : undefined;
    if (!t) {
      t = hb.compile(fs.readFileSync(file, 'utf8').trim(), COMPILE_OPTIONS);
      if (options.cache) compiled.set(file, t);
    }
    return t;
  };

  /** Renders a view file with its layout, as Express's engine signature asks. */
  return function engine(file: string, options: object, callback: Callback): void {
    const locals = options as RenderOptions;
    let html: string;
    try {
      // In development every render reads the templates afresh, once for the view and its layout.
      const hb = environment();
      html = template(hb, file)(locals).trim();
      const layout = 'layout' in locals ? locals.layout : 'main';
      if (layout) {
        const layoutFile = path.join(LAYOUTS_DIR, `${layout}${EXT}`);
        html = template(hb, layoutFile)({ ...locals, body: html }).trim();
      }
    } catch (err) {
      callback(err as Error);
      return;
    }
    callback(null, html);
  };
}

/** Registers the view engine once at start-up; views are compiled once and cached outside development. */
export function setupViews(app: Express, config: Config): void {
  const cache = config.env !== 'development';
  app.engine(EXT, createViewEngine(config, { cache }));
  app.set('view engine', EXT);
  app.set('views', VIEWS);
  app.set('view cache', cache);
}
