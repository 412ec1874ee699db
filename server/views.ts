import path from 'node:path';
import type { Express } from 'express';
import { create } from 'express-handlebars';
import type { Config } from './config';
import { VIEWS_DIR } from './paths';

const VIEWS = VIEWS_DIR;

/** Handlebars helpers; dates and times are shown in the program's time zone. */
export function helpers(config: Pick<Config, 'timeZone'>) {
  const dateFmt = new Intl.DateTimeFormat('en-US', { timeZone: config.timeZone, year: 'numeric', month: 'long', day: 'numeric' });
  const dateTimeFmt = new Intl.DateTimeFormat('en-US', {
    timeZone: config.timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  });
  const toDate = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));
  return {
    eq: (a: unknown, b: unknown) => a === b,
    lt: (a: unknown, b: unknown) => Number(a) < Number(b),
    not: (a: unknown) => !a,
    or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
    and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
    includes: (list: unknown, value: unknown) => (Array.isArray(list) ? list.map(String).includes(String(value)) : String(list ?? '') === String(value)),
    lookup2: (obj: Record<string, unknown> | undefined, key: string) => obj?.[key],
    /** A timestamp, e.g. "Nov 23, 2026, 11:37 AM EST". */
    dateTime: (v: unknown) => (v ? dateTimeFmt.format(toDate(v)) : ''),
    /** A timestamp's day, e.g. "November 23, 2026". */
    date: (v: unknown) => (v ? dateFmt.format(toDate(v)) : ''),
    /** A calendar date stored as YYYY-MM-DD, shown without any time-zone shift. */
    calendarDate: (v: unknown) => {
      if (!v || !/^\d{4}-\d{2}-\d{2}$/.test(String(v))) return '';
      const [y, m, d] = String(v).split('-').map(Number);
      return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' }).format(Date.UTC(y, m - 1, d));
    },
    isoDateTime: (v: unknown) => (v ? toDate(v).toISOString() : ''),
    number: (v: unknown) => Number(v ?? 0).toLocaleString('en-US'),
    add: (a: unknown, b: unknown) => Number(a) + Number(b),
    json: (v: unknown) => JSON.stringify(v),
    concat: (...args: unknown[]) => args.slice(0, -1).join(''),
  };
}

/** Registers Handlebars once at start-up; views are compiled once and cached outside development. */
export function setupViews(app: Express, config: Config): void {
  const hbs = create({
    extname: '.hbs',
    defaultLayout: 'main',
    layoutsDir: path.join(VIEWS, 'layouts'),
    partialsDir: path.join(VIEWS, 'partials'),
    helpers: helpers(config),
    // Partials inside indented markup must not indent the text of a <textarea> they render.
    compilerOptions: { preventIndent: true },
  });
  app.engine('.hbs', hbs.engine);
  app.set('view engine', '.hbs');
  app.set('views', VIEWS);
  app.set('view cache', config.env !== 'development');
}
