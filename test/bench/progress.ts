/** The run's clock and its progress lines on stderr. */
export const started = Date.now();
export const clock = () => {
  const s = Math.round((Date.now() - started) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};
export const say = (line: string) => process.stderr.write(`[${clock()}] ${line}\n`);
export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
