import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The layers of STYLE.md, read from the imports of every file in server/:
 * routes → handlers → services → queries, and only queries/ (with db.ts, db-locks.ts and db-sql.ts) reach the database.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const SERVER = path.join(ROOT, 'server');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

interface Imported {
  /** The file, relative to the repository (server/…). */
  file: string;
  /** What it imports: a package name, or a file relative to the repository without its extension. */
  target: string;
}

function importsOf(file: string): Imported[] {
  const source = fs.readFileSync(file, 'utf8');
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles.map(({ fileName }) => ({
    file: path.relative(ROOT, file),
    target: fileName.startsWith('.') ? path.relative(ROOT, path.resolve(path.dirname(file), fileName)) : fileName,
  }));
}

const ALL = filesUnder(SERVER).flatMap(importsOf);
const inside = (dir: string) => (p: string) => p.startsWith(`server/${dir}/`);
const isQueries = inside('queries');
const isServices = inside('services');
const isHandler = (p: string) => inside('handlers')(p) && p.endsWith('.handlers.ts');
// The database modules: db.ts (connections, migrations), db-locks.ts (PostgreSQL's advisory locks)
// and db-sql.ts (the SQL that differs by engine).
const DB_MODULES = ['server/db.ts', 'server/db-locks.ts', 'server/db-sql.ts'];
const isDb = (target: string) => DB_MODULES.includes(`${target}.ts`);
const isKnex = (target: string) => target === 'knex' || target.startsWith('knex/');
const show = (list: Imported[]) => list.map((i) => `${i.file} imports ${i.target}`).join('\n');

describe('Layers (from the imports of server/)', () => {
  it('finds the files and their imports (the check reads something)', () => {
    assert.ok(ALL.length > 300, `only ${ALL.length} imports found`);
    assert.ok(ALL.some((i) => isQueries(i.file) && isDb(i.target)));
  });

  it('only queries/ and the database modules import knex or the database', () => {
    const wrong = ALL.filter((i) => (isKnex(i.target) || isDb(i.target)) && !isQueries(i.file) && !DB_MODULES.includes(i.file));
    assert.equal(wrong.length, 0, show(wrong));
  });

  it('no handler imports queries/', () => {
    const wrong = ALL.filter((i) => inside('handlers')(i.file) && i.target.startsWith('server/queries/'));
    assert.equal(wrong.length, 0, show(wrong));
  });

  it('queries/ imports no service, handler or route', () => {
    const wrong = ALL.filter((i) => isQueries(i.file) && /^server\/(services|handlers|routes|middleware)\//.test(i.target));
    assert.equal(wrong.length, 0, show(wrong));
  });

  it('services import no handler, route or middleware', () => {
    const wrong = ALL.filter((i) => isServices(i.file) && /^server\/(handlers|routes|middleware)\//.test(i.target));
    assert.equal(wrong.length, 0, show(wrong));
  });

  it('handlers do not import each other (shared helpers live beside them, not in a handler)', () => {
    const wrong = ALL.filter((i) => isHandler(i.file) && /^server\/handlers\/.*\.handlers$/.test(i.target));
    assert.equal(wrong.length, 0, show(wrong));
  });

  it('middleware lives in middleware/: no handler or route exports a middleware of its own', () => {
    const wrong = filesUnder(SERVER)
      .filter((f) => /\/(handlers|routes)\//.test(f))
      .filter((f) => /export (async )?function require[A-Z]\w*\(/.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(ROOT, f));
    assert.deepEqual(wrong, []);
  });

  it('the engine is told apart only in the database modules (db.ts, db-locks.ts, db-sql.ts)', () => {
    const wrong = filesUnder(SERVER)
      .filter((f) => !DB_MODULES.includes(path.relative(ROOT, f)))
      .filter((f) => /\bisPostgres(Url)?\(|client\.config\.client/.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(ROOT, f));
    assert.deepEqual(wrong, []);
  });
});
