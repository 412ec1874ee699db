// The second phase of `npm test` (see .mocharc.cjs): the built server, Chromium, crashes,
// shutdowns and clusters, one file at a time.
const base = require('../.mocharc.cjs');

module.exports = {
  ...base,
  // Files named on the command line run alone (base.parallel is false then).
  spec: base.parallel ? ['test/e2e/**/*.test.ts', 'test/resilience/**/*.test.ts', 'test/cluster/**/*.test.ts'] : [],
  parallel: false,
};
