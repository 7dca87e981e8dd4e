// Prints one closing line for the whole test run from the vitest and Playwright JSON reports:
// `tests: N passed, N failed, N skipped` (unit and end-to-end together).
import { existsSync, readFileSync } from 'node:fs';

function read(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}

const unit = read('reports/vitest.json');
const e2e = read('reports/playwright.json');
const counts = { passed: 0, failed: 0, skipped: 0 };
if (unit) {
  counts.passed += unit.numPassedTests ?? 0;
  counts.failed += unit.numFailedTests ?? 0;
  counts.skipped += (unit.numPendingTests ?? 0) + (unit.numTodoTests ?? 0);
  console.log(`unit: ${unit.numPassedTests} passed, ${unit.numFailedTests} failed, ${(unit.numPendingTests ?? 0) + (unit.numTodoTests ?? 0)} skipped`);
}
if (e2e) {
  const s = e2e.stats ?? {};
  const passed = (s.expected ?? 0) + (s.flaky ?? 0);
  counts.passed += passed;
  counts.failed += s.unexpected ?? 0;
  counts.skipped += s.skipped ?? 0;
  console.log(`e2e: ${passed} passed, ${s.unexpected ?? 0} failed, ${s.skipped ?? 0} skipped`);
}
if (!unit && !e2e) {
  console.error('test-summary: no reports found under reports/');
  process.exit(1);
}
console.log(`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(counts.failed > 0 ? 1 : 0);
