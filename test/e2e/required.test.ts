import { sep } from 'node:path';
import { E2E_REQUIRED } from './collector.js';

/**
 * Under FTPLOG_E2E=required (CI) a skipped end-to-end test fails the run:
 * green must mean that the real Collector and VictoriaLogs were built and
 * every test ran (test/e2e/victorialogs.test.ts included).
 */
after(function () {
  if (!E2E_REQUIRED) return;
  const skipped: string[] = [];
  const walk = (suite: Mocha.Suite): void => {
    for (const t of suite.tests) if (t.isPending() && (t.file ?? '').includes(`${sep}e2e${sep}`)) skipped.push(t.fullTitle());
    suite.suites.forEach(walk);
  };
  let root = this.test!.parent!;
  while (root.parent !== undefined) root = root.parent;
  walk(root);
  if (skipped.length > 0) throw new Error(`FTPLOG_E2E=required, but ${skipped.length} end-to-end test(s) were skipped:\n  ${skipped.join('\n  ')}`);
});
