import { parseArgs } from 'node:util';
import { SizeName, SIZES } from './data';

/** The command line of `npm run bench` (--help prints it and exits). */
export function parseOptions() {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: 'S,M,L' },
      seconds: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '1' },
      tries: { type: 'string', default: '10' },
      'mixed-seconds': { type: 'string', default: '15' },
      'import-rows': { type: 'string', default: '100000' },
      warmup: { type: 'string', default: '1' },
      'reuse-data': { type: 'boolean', default: false },
      'render-only': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      [
        'npm run bench -- [--sizes S,M,L] [--seconds 3] [--rounds 1] [--warmup 1] [--tries 10] [--mixed-seconds 15] [--import-rows 100000] [--reuse-data] [--render-only]',
        '  --tries          first views of each staff page, each right after a write',
        '  --mixed-seconds  length of the mixed load (10 clients, 1 request in 10 a write)',
        '  --import-rows    rows of the import run beside the serving app, at the first size of each engine (0: none)',
        '  --reuse-data   copy SQLite data sets from a cache in the temp directory when the seeds and migrations are unchanged',
        '  --render-only  write REPORT.md again from results.json (after notes.ts changed), without measuring',
        'BENCH_DATABASE_URL=postgres://… also runs every size on PostgreSQL (a fresh schema per size).',
      ].join('\n'),
    );
    process.exit(0);
  }
  const sizes = values.sizes.split(',').map((s) => s.trim().toUpperCase());
  for (const s of sizes) if (!(s in SIZES)) throw new Error(`--sizes takes S, M and L, got "${s}"`);
  const whole = (name: string, v: string, min: number) => {
    if (!/^\d+$/.test(v) || Number(v) < min) throw new Error(`--${name} must be a whole number of at least ${min}`);
    return Number(v);
  };
  return {
    sizes: (['S', 'M', 'L'] as SizeName[]).filter((s) => sizes.includes(s)),
    seconds: whole('seconds', values.seconds, 1),
    rounds: whole('rounds', values.rounds, 1),
    warmup: whole('warmup', values.warmup, 0),
    tries: whole('tries', values.tries, 1),
    mixedSeconds: whole('mixed-seconds', values['mixed-seconds'], 1),
    importRows: whole('import-rows', values['import-rows'], 0),
    reuse: values['reuse-data'],
    renderOnly: values['render-only'],
  };
}

export type Options = ReturnType<typeof parseOptions>;
