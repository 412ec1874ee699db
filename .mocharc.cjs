// Mocha's settings for `npm test`. Under CI=true a skipped or pending test fails (forbid-pending),
// so that a suite cannot quietly stop running there.
module.exports = {
  require: ['tsx/cjs', 'test/helpers/setup.ts'],
  extension: ['ts'],
  spec: [
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
