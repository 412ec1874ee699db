// Loaded by mocha before any test file.
process.env.NODE_ENV = 'test';
if (!process.env.TEST_DATABASE_URL) {
  console.log('\n  PostgreSQL: TEST_DATABASE_URL is not set, so every suite runs on SQLite only (CI runs both).\n');
}
