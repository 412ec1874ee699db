// Mocha's settings for `npm test`. Under CI=true a skipped or pending test fails (forbid-pending),
// so that a suite cannot quietly stop running there.
// `npx mocha <file>` runs the files it names alone; the whole list applies when none is named.
const named = process.argv.slice(2).some((arg) => /\.test\.ts$/.test(arg));

module.exports = {
  require: ['tsx/cjs', 'test/helpers/setup.ts'],
  extension: ['ts'],
  spec: named
    ? []
    : [
        'test/unit/**/*.test.ts',
        'test/integration/**/*.test.ts',
        'test/e2e/**/*.test.ts',
        'test/resilience/**/*.test.ts',
        'test/cluster/**/*.test.ts',
      ],
  reporter: 'test/helpers/totals-reporter.js',
  timeout: 20000,
  'forbid-pending': process.env.CI === 'true',
};
