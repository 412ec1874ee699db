import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT } from '../paths';

/**
 * The offline list of breached and common passwords (seeds/passwords/breached.txt.gz, about
 * 233,000 of them, from SecLists' top million; see build-breached.ts there). It is read on the
 * first password that is set, not at start, and kept as one string with the offsets of its
 * lines (about 3 MB), searched by halves: a Set of the same words would take five times that.
 */
const FILE = path.join(ROOT, 'seeds', 'passwords', 'breached.txt.gz');

let text: string | undefined;
let starts: Uint32Array | undefined;

function load(): { text: string; starts: Uint32Array } {
  if (!text || !starts) {
    const all = zlib.gunzipSync(fs.readFileSync(FILE)).toString('latin1');
    const offsets: number[] = [0];
    for (let i = all.indexOf('\n'); i !== -1 && i < all.length - 1; i = all.indexOf('\n', i + 1)) offsets.push(i + 1);
    text = all;
    starts = Uint32Array.from(offsets);
  }
  return { text, starts };
}

/** How many passwords the list holds. */
export function breachedCount(): number {
  return load().starts.length;
}

/** True when the word (compared lower-cased) is in the list. */
export function isBreached(word: string): boolean {
  const wanted = word.toLowerCase();
  // The list holds printable ASCII only: anything else cannot be in it.
  if (!/^[\x20-\x7E]+$/.test(wanted)) return false;
  const { text: all, starts: at } = load();
  let lo = 0;
  let hi = at.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const end = all.indexOf('\n', at[mid]);
    const entry = all.slice(at[mid], end === -1 ? all.length : end);
    if (entry === wanted) return true;
    if (entry < wanted) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
