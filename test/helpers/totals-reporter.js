'use strict';
// Mocha's spec reporter, followed by one line CI reads: "N passed, N failed, N skipped" (skipped
// counts skipped and pending tests). Under CI=true a skipped or pending test fails the run: the
// config sets mocha's forbid-pending then (.mocharc.cjs), so such a test is counted as failed.
const Mocha = require('mocha');

class TotalsReporter extends Mocha.reporters.Spec {
  epilogue() {
    super.epilogue();
    const { passes, failures, pending } = this.stats;
    process.stdout.write(`${passes} passed, ${failures} failed, ${pending} skipped\n`);
  }
}

module.exports = TotalsReporter;
