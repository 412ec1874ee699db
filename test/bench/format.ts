import type { EngineName } from './data';

/** Numbers, engine names and sizes as the report writes them. */
export const n0 = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
export const n1 = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
export const n2 = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
export const engineName = (e: EngineName) => (e === 'sqlite' ? 'SQLite' : 'PostgreSQL');
export const kib = (bytes: number) => (bytes >= 1024 * 1024 ? `${n1(bytes / 1024 / 1024)} MiB` : `${n1(bytes / 1024)} KiB`);
