/** Charts drawn on the server as SVG, with a title and a text alternative: no JavaScript needed. */

const esc = (s: unknown) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** Five shades of the USWDS blue, lightest first, with a text colour that keeps 4.5:1 contrast. */
export const SHADES = [
  { fill: '#d9e8f6', text: '#1b1b1b' },
  { fill: '#aacdec', text: '#1b1b1b' },
  { fill: '#73b3e7', text: '#1b1b1b' },
  { fill: '#005ea2', text: '#ffffff' },
  { fill: '#0b4778', text: '#ffffff' },
];
export const UNSERVED = { fill: '#f0f0f0', text: '#565c65' };

export interface Tile {
  code: string;
  name: string;
  row: number;
  col: number;
  value: number;
}

/** Class limits for a legend: five equal steps up to the largest value (at least 1 apart). */
export function classLimits(values: number[]): number[] {
  const max = Math.max(0, ...values);
  if (max <= 0) return [];
  const step = Math.max(1, Math.ceil(max / SHADES.length));
  return SHADES.map((_, i) => Math.min(max, step * (i + 1)));
}

function shadeOf(value: number, limits: number[]) {
  if (value <= 0 || !limits.length) return UNSERVED;
  const i = limits.findIndex((limit) => value <= limit);
  return SHADES[i === -1 ? SHADES.length - 1 : i];
}

/** The tile-grid map: one square per jurisdiction, shaded by a measure, its code and value written on it. */
export function tileMap(
  tiles: Tile[],
  measureLabel: string,
  format: (v: number) => string,
): { svg: string; legend: { swatch: number; fill: string; label: string }[] } {
  const size = 52;
  const gap = 4;
  const cols = 1 + Math.max(...tiles.map((t) => t.col));
  const rows = 1 + Math.max(...tiles.map((t) => t.row));
  const limits = classLimits(tiles.map((t) => t.value));
  const cells = tiles
    .map((t) => {
      const shade = shadeOf(t.value, limits);
      // "1 engagement", "1 hour": the measure's name in the singular for exactly one.
      const unit = t.value === 1 ? measureLabel.replace(/s$/, '') : measureLabel;
      const x = t.col * (size + gap);
      const y = t.row * (size + gap);
      return (
        `<g><title>${esc(t.name)}: ${esc(t.value > 0 ? `${format(t.value)} ${unit}` : 'not served')}</title>` +
        `<rect x="${x}" y="${y}" width="${size}" height="${size}" rx="4" fill="${shade.fill}" stroke="#ffffff"/>` +
        `<text x="${x + size / 2}" y="${y + 22}" text-anchor="middle" font-size="15" font-weight="700" fill="${shade.text}">${esc(t.code)}</text>` +
        `<text x="${x + size / 2}" y="${y + 41}" text-anchor="middle" font-size="12" fill="${shade.text}">${t.value > 0 ? esc(format(t.value)) : '–'}</text></g>`
      );
    })
    .join('');
  const width = cols * (size + gap);
  const height = rows * (size + gap);
  const svg =
    `<svg class="tile-map" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="map-title map-desc" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="map-title">Map of the states and territories by ${esc(measureLabel)}</title>` +
    `<desc id="map-desc">Each square is a state, the District of Columbia or a territory, placed roughly where it lies, shaded darker for more ${esc(measureLabel)}, with its value written on it. The table after the map gives the same figures.</desc>` +
    `${cells}</svg>`;
  // `swatch` names the CSS class of the legend's colour square (0: not served, 1-5: the shades).
  // A class starts one unit above the one before: 1 for counts, 0.1 for hours (shown to 0.1),
  // so that every value, whole or not, falls in the class its shade says.
  const decimals = decimalsOf(tiles.map((t) => t.value));
  const unit = 10 ** -decimals;
  const round = (v: number) => Math.round(v * 10 ** decimals) / 10 ** decimals;
  const legend = [{ swatch: 0, fill: UNSERVED.fill, label: 'Not served' }];
  let lower = unit;
  for (let i = 0; i < limits.length; i += 1) {
    if (i > 0 && limits[i] === limits[i - 1]) continue;
    legend.push({
      swatch: i + 1,
      fill: SHADES[i].fill,
      label: lower === limits[i] ? format(lower) : `${format(lower)}–${format(limits[i])}`,
    });
    lower = round(limits[i] + unit);
  }
  return { svg, legend };
}

/** How many decimals the values are given to (at most 3). */
function decimalsOf(values: number[]): number {
  let d = 0;
  for (const v of values) while (d < 3 && Math.abs(Math.round(v * 10 ** d) - v * 10 ** d) > 1e-6) d += 1;
  return d;
}

/** States (50 + DC) served by year: a bar of those served so far, its new-to-LEEP part darker. */
export function servedByYearChart(years: { year: number; newly: number; cumulative: number }[]): string {
  const barW = 44;
  const gap = 16;
  const chartH = 200;
  const top = 24;
  const max = Math.max(1, ...years.map((y) => y.cumulative));
  const width = years.length * (barW + gap) + gap;
  const bars = years
    .map((y, i) => {
      const x = gap + i * (barW + gap);
      const hTotal = Math.round((y.cumulative / max) * chartH);
      const hNew = Math.round((y.newly / max) * chartH);
      const base = top + chartH;
      return (
        `<g><title>${y.year}: ${y.newly} new to LEEP, ${y.cumulative} served so far</title>` +
        `<rect x="${x}" y="${base - hTotal}" width="${barW}" height="${hTotal - hNew}" fill="#aacdec"/>` +
        `<rect x="${x}" y="${base - hNew}" width="${barW}" height="${hNew}" fill="#005ea2"/>` +
        `<text x="${x + barW / 2}" y="${base - hTotal - 6}" text-anchor="middle" font-size="13" fill="#1b1b1b">${y.cumulative}</text>` +
        `<text x="${x + barW / 2}" y="${base + 18}" text-anchor="middle" font-size="13" fill="#1b1b1b">${y.year}</text></g>`
      );
    })
    .join('');
  return (
    `<svg class="bar-chart" viewBox="0 0 ${width} ${top + chartH + 28}" role="img" aria-labelledby="years-title years-desc" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="years-title">States served (50 states and DC, territories not included), by year</title>` +
    `<desc id="years-desc">For each year, the bar's height is the number of states and DC served since the first record up to the end of that year; its dark part is those new to LEEP that year (served for the first time ever). Territories are not in these counts. The table after the chart gives the same figures.</desc>` +
    `${bars}</svg>`
  );
}
