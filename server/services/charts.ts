/**
 * The numbers of the charts drawn on the server as SVG (no JavaScript needed): where each shape
 * goes, its colour and its words. The markup, with its title and text alternative, is in
 * views/partials/reports/tile-map.hbs and years-chart.hbs, escaped by Handlebars.
 */

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

/** One square of the tile-grid map, placed and shaded, with its words. */
interface MapTile {
  code: string;
  name: string;
  /** "12 engagements", "1 hour" or "not served": the square's title. */
  label: string;
  /** The value written on the square, or a dash when not served. */
  shown: string;
  x: number;
  y: number;
  fill: string;
  text: string;
  /** Where the code and the value are written: centred at `cx`, on the lines `codeY` and `valueY`. */
  cx: number;
  codeY: number;
  valueY: number;
}

/** What views/partials/reports/tile-map.hbs draws. */
interface TileMapView {
  width: number;
  height: number;
  /** The side of a square. */
  size: number;
  measure: string;
  tiles: MapTile[];
}

const TILE = 52;
const TILE_GAP = 4;

/** The tile-grid map: one square per jurisdiction, shaded by a measure, its code and value written on it; and its legend. */
export function tileMap(
  tiles: Tile[],
  measureLabel: string,
  format: (v: number) => string,
): { map: TileMapView; legend: { swatch: number; fill: string; label: string }[] } {
  const step = TILE + TILE_GAP;
  const cols = 1 + Math.max(...tiles.map((t) => t.col));
  const rows = 1 + Math.max(...tiles.map((t) => t.row));
  const limits = classLimits(tiles.map((t) => t.value));
  const squares = tiles.map((t) => {
    const shade = shadeOf(t.value, limits);
    // "1 engagement", "1 hour": the measure's name in the singular for exactly one.
    const unit = t.value === 1 ? measureLabel.replace(/s$/, '') : measureLabel;
    return {
      code: t.code,
      name: t.name,
      label: t.value > 0 ? `${format(t.value)} ${unit}` : 'not served',
      shown: t.value > 0 ? format(t.value) : '–',
      x: t.col * step,
      y: t.row * step,
      fill: shade.fill,
      text: shade.text,
      cx: t.col * step + TILE / 2,
      codeY: t.row * step + 22,
      valueY: t.row * step + 41,
    };
  });
  const map = { width: cols * step, height: rows * step, size: TILE, measure: measureLabel, tiles: squares };
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
  return { map, legend };
}

/** How many decimals the values are given to (at most 3). */
function decimalsOf(values: number[]): number {
  let d = 0;
  for (const v of values) while (d < 3 && Math.abs(Math.round(v * 10 ** d) - v * 10 ** d) > 1e-6) d += 1;
  return d;
}

/** One year's bar: its light part (served before), its dark part (new to LEEP) and its labels. */
interface YearBar {
  year: number;
  newly: number;
  cumulative: number;
  x: number;
  /** The bar's centre, where its labels are written. */
  middle: number;
  lightY: number;
  lightHeight: number;
  darkY: number;
  darkHeight: number;
  /** Where the count is written, above the bar, and the year, below it. */
  countY: number;
  yearY: number;
}

/** What views/partials/reports/years-chart.hbs draws. */
interface YearsChartView {
  width: number;
  height: number;
  barWidth: number;
  bars: YearBar[];
}

/** States (50 + DC) served by year: a bar of those served so far, its new-to-LEEP part darker. */
export function servedByYearChart(years: { year: number; newly: number; cumulative: number }[]): YearsChartView {
  const barW = 44;
  const gap = 16;
  const chartH = 200;
  const top = 24;
  const base = top + chartH;
  const max = Math.max(1, ...years.map((y) => y.cumulative));
  const bars = years.map((y, i) => {
    const x = gap + i * (barW + gap);
    const hTotal = Math.round((y.cumulative / max) * chartH);
    const hNew = Math.round((y.newly / max) * chartH);
    return {
      year: y.year,
      newly: y.newly,
      cumulative: y.cumulative,
      x,
      middle: x + barW / 2,
      lightY: base - hTotal,
      lightHeight: hTotal - hNew,
      darkY: base - hNew,
      darkHeight: hNew,
      countY: base - hTotal - 6,
      yearY: base + 18,
    };
  });
  return { width: years.length * (barW + gap) + gap, height: base + 28, barWidth: barW, bars };
}
