'use strict';
// Mocha's spec reporter, followed by one line CI reads: "N passed, N failed".
const Mocha = require('mocha');

class TotalsReporter extends Mocha.reporters.Spec {
  epilogue() {
    super.epilogue();
    const { passes, failures } = this.stats;
    process.stdout.write(`${passes} passed, ${failures} failed\n`);
  }
}

module.exports = TotalsReporter;
