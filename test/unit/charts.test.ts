import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SHADES, Tile, UNSERVED, classLimits, servedByYearChart, tileMap } from '../../server/services/charts';
import { createViewEngine } from '../../server/views';

const fmt = (v: number) => v.toLocaleString('en-US');

/** A partial of views/partials rendered by the app's view engine (Handlebars' escaping) with these values. */
function renderPartial(name: string, values: object): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charts-'));
  const file = path.join(dir, 'view.hbs');
  fs.writeFileSync(file, `{{> ${name} values}}`);
  let html = '';
  createViewEngine({ timeZone: 'America/New_York' }, { cache: false })(file, { values, layout: false }, (err, out) => {
    if (err) throw err;
    html = out ?? '';
  });
  fs.rmSync(dir, { recursive: true });
  return html;
}

/** The tile map's SVG as the dashboard draws it. */
function mapSvg(...args: Parameters<typeof tileMap>): { svg: string; legend: ReturnType<typeof tileMap>['legend'] } {
  const { map, legend } = tileMap(...args);
  return { svg: renderPartial('reports/tile-map', map), legend };
}

/** The served-by-year chart's SVG as the dashboard draws it. */
const yearsSvg = (years: Parameters<typeof servedByYearChart>[0]) => renderPartial('reports/years-chart', servedByYearChart(years));

function tiles(values: number[]): Tile[] {
  return values.map((value, i) => ({
    code: `T${String.fromCharCode(65 + (i % 26))}`,
    name: `Tile ${i}`,
    row: Math.floor(i / 4),
    col: i % 4,
    value,
  }));
}

/** The fill of each tile's square, in order. */
const fillsOf = (svg: string) => [...svg.matchAll(/<rect [^>]*fill="(#[0-9a-f]{6})"/g)].map((m) => m[1]);

/** A legend label's range: "7" or "1–2" or "0.1–3.5". */
function rangeOf(label: string): [number, number] {
  const [lo, hi = lo] = label.split('–').map((s) => Number(s.replace(/,/g, '')));
  return [lo, hi];
}

describe('charts: classLimits', () => {
  it('classLimits, with no value above zero, gives no classes', () => {
    assert.deepStrictEqual(classLimits([]), []);
    assert.deepStrictEqual(classLimits([0, 0]), []);
  });

  it('classLimits, up to 10, gives five equal steps of 2', () => {
    assert.deepStrictEqual(classLimits([1, 3, 10, 0]), [2, 4, 6, 8, 10]);
  });

  it('classLimits, with a largest value below five, keeps steps of 1 and stops at the largest', () => {
    assert.deepStrictEqual(classLimits([3]), [1, 2, 3, 3, 3]);
    assert.deepStrictEqual(classLimits([1]), [1, 1, 1, 1, 1]);
  });

  it('classLimits, with a largest value that does not divide by five, rounds the step up and ends at the largest', () => {
    assert.deepStrictEqual(classLimits([7]), [2, 4, 6, 7, 7]);
    assert.deepStrictEqual(classLimits([101, 5]), [21, 42, 63, 84, 101]);
  });

  it('classLimits, for any values, gives five non-decreasing limits ending at the largest value', () => {
    for (const values of [[1], [2, 9], [4, 44, 400], [0.5], [2.5, 10.5], [1234]]) {
      const limits = classLimits(values);
      assert.equal(limits.length, SHADES.length);
      for (let i = 1; i < limits.length; i += 1) assert.ok(limits[i] >= limits[i - 1], `${values}`);
      assert.equal(limits[limits.length - 1], Math.max(...values));
    }
  });
});

describe('charts: tileMap', () => {
  it('tileMap, for 56 tiles, draws one square per tile, with a title and a description', () => {
    const values = Array.from({ length: 56 }, (_, i) => (i % 3 === 0 ? 0 : i));
    const { svg } = mapSvg(tiles(values), 'engagements', fmt);
    assert.equal((svg.match(/<rect /g) ?? []).length, 56);
    assert.match(svg, /^<svg [^>]*role="img" aria-labelledby="map-title map-desc"/);
    assert.match(svg, /<title id="map-title">Map of the states and territories by engagements<\/title>/);
    assert.match(svg, /<desc id="map-desc">[^<]+<\/desc>/);
    // Every square has its own title saying its value, or that it was not served.
    assert.equal((svg.match(/<g><title>Tile \d+: (1 engagement|\d+ engagements|not served)<\/title>/g) ?? []).length, 56);
    // One is one engagement, not "1 engagements".
    assert.ok(svg.includes('<g><title>Tile 1: 1 engagement</title>'));
    assert.ok(!/\b1 engagements\b/.test(svg));
  });

  it('tileMap, for tiles of value 0, shades them as not served and writes a dash', () => {
    const { svg } = mapSvg(tiles([0, 5]), 'engagements', fmt);
    assert.deepStrictEqual(fillsOf(svg), [UNSERVED.fill, SHADES[SHADES.length - 1].fill]);
    assert.match(svg, /<g><title>Tile 0: not served<\/title>.*?>–<\/text><\/g>/);
  });

  it('tileMap, for names with markup characters, escapes them', () => {
    const { svg } = mapSvg([{ code: 'X&', name: 'A <b> & "c"', row: 0, col: 0, value: 1 }], 'hours', fmt);
    assert.ok(svg.includes('A &lt;b&gt; &amp; &quot;c&quot;: 1 hour<'));
    assert.ok(!svg.includes('<b>'));
  });

  it('tileMap, for counts up to 10, labels the legend "Not served", "1–2" … "9–10"', () => {
    const { legend } = tileMap(tiles([1, 10]), 'engagements', fmt);
    assert.deepStrictEqual(
      legend.map((l) => l.label),
      ['Not served', '1–2', '3–4', '5–6', '7–8', '9–10'],
    );
    assert.deepStrictEqual(
      legend.map((l) => l.swatch),
      [0, 1, 2, 3, 4, 5],
    );
  });

  it('tileMap, for counts up to 3, leaves out the repeated classes and labels single values alone', () => {
    const { legend } = tileMap(tiles([3, 1]), 'engagements', fmt);
    assert.deepStrictEqual(
      legend.map((l) => l.label),
      ['Not served', '1', '2', '3'],
    );
  });

  it('tileMap, for hours given to 0.1, starts each legend class 0.1 above the one before', () => {
    const { legend } = tileMap(tiles([0.5, 10.5]), 'hours', fmt);
    assert.deepStrictEqual(
      legend.map((l) => l.label),
      ['Not served', '0.1–3', '3.1–6', '6.1–9', '9.1–10.5'],
    );
  });

  it('tileMap, for large counts, writes the legend with thousands separators', () => {
    const { legend } = tileMap(tiles([10_000]), 'engagements', fmt);
    assert.deepStrictEqual(
      legend.map((l) => l.label),
      ['Not served', '1–2,000', '2,001–4,000', '4,001–6,000', '6,001–8,000', '8,001–10,000'],
    );
  });

  for (const values of [
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
    [0.5, 1.2, 3.5, 6.1, 10.5],
    [0.3, 0.5],
    [12.5, 40, 99.9, 100.1, 7.7],
    [20.5, 100],
  ]) {
    it(`tileMap, for values ${values.join(', ')}, shades every tile with a legend class whose label contains its value`, () => {
      const { svg, legend } = mapSvg(tiles(values), 'hours', fmt);
      const fills = fillsOf(svg);
      values.forEach((v, i) => {
        const entry = legend.find((l) => l.fill === fills[i]);
        assert.ok(entry, `tile ${v} has a shade in the legend`);
        const [lo, hi] = rangeOf(entry.label);
        assert.ok(v >= lo && v <= hi, `${v} is shaded as “${entry.label}”`);
      });
      // The classes follow each other without overlapping.
      const ranges = legend.slice(1).map((l) => rangeOf(l.label));
      for (let i = 1; i < ranges.length; i += 1) assert.ok(ranges[i][0] > ranges[i - 1][1], legend.map((l) => l.label).join(' | '));
    });
  }
});

describe('charts: servedByYearChart', () => {
  it('servedByYearChart, for three years, draws a title, a description and two bars and a label per year', () => {
    const svg = yearsSvg([
      { year: 2017, newly: 2, cumulative: 2 },
      { year: 2018, newly: 0, cumulative: 2 },
      { year: 2019, newly: 3, cumulative: 5 },
    ]);
    assert.match(svg, /<title id="years-title">[^<]+<\/title>/);
    assert.match(svg, /<desc id="years-desc">[^<]+<\/desc>/);
    assert.equal((svg.match(/<rect /g) ?? []).length, 6);
    assert.deepStrictEqual(
      [...svg.matchAll(/<g><title>(\d{4}): (\d+) new to LEEP, (\d+) served so far<\/title>/g)].map((m) => m.slice(1).map(Number)),
      [
        [2017, 2, 2],
        [2018, 0, 2],
        [2019, 3, 5],
      ],
    );
  });

  it('servedByYearChart, for the tallest year, draws a bar of the full height with no negative heights', () => {
    const svg = yearsSvg([
      { year: 2020, newly: 4, cumulative: 4 },
      { year: 2021, newly: 6, cumulative: 10 },
    ]);
    const heights = [...svg.matchAll(/<rect [^>]*height="(-?\d+)"/g)].map((m) => Number(m[1]));
    assert.ok(
      heights.every((h) => h >= 0),
      `${heights}`,
    );
    assert.equal(heights[2] + heights[3], 200);
  });
});
