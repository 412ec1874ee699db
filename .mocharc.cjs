// Mocha's settings for `npm test`. Under CI=true a skipped or pending test fails (forbid-pending),
// so that a suite cannot quietly stop running there.
//
// `npm test` runs two phases: this file's, the unit and integration tests (each file on databases
// of its own, the app in process), in parallel, one worker per core (two to four); then
// test/system.mocharc.cjs's, the tests of the built server, browsers and clusters, one file at a
// time, since they measure timings and start processes that a parallel file would slow down.
// `npx mocha <file>` runs the files it names alone, in one process, in the order given.
const os = require('node:os');

const named = process.argv.slice(2).some((arg) => /\.test\.ts$/.test(arg));
// The app is built once, before the first file (mochaGlobalSetup in test/helpers/setup.ts), so
// that two workers never write dist/ at the same time.
if (!named) process.env.LEEP_TEST_BUILD_FIRST = '1';

module.exports = {
  require: ['tsx/cjs', 'test/helpers/setup.ts'],
  extension: ['ts'],
  spec: named ? [] : ['test/integration/**/*.test.ts', 'test/unit/**/*.test.ts'],
  parallel: !named,
  jobs: Math.min(4, Math.max(2, os.availableParallelism())),
  reporter: 'test/helpers/totals-reporter.js',
  timeout: 20000,
  'forbid-pending': process.env.CI === 'true',
};
