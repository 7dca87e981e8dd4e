/**
 * The Electron security scan must fail on a real misconfiguration and on a suppression without a
 * reason; the project's own sources passing it is `npm run lint`'s job.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const script = resolve(import.meta.dirname, 'security-scan.mjs');
const dir = mkdtempSync(join(tmpdir(), 'kiosk-eneg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scripts/security-scan.mjs', () => {
  it('reports nodeIntegration, missing isolation and an unexplained suppression, and exits non-zero', () => {
    writeFileSync(
      join(dir, 'main.js'),
      [
        "const { BrowserWindow } = require('electron');",
        "const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, preload: 'p.js' } }); // eng-disable PRELOAD_JS_CHECK",
        "w.loadURL('http://example.org');",
      ].join('\n'),
    );
    const run = spawnSync(process.execPath, [script, dir], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('CONTEXT_ISOLATION_JS_CHECK');
    expect(run.stderr).toContain('SANDBOX_JS_CHECK');
    expect(run.stderr).toContain('LIMIT_NAVIGATION_GLOBAL_CHECK');
    expect(run.stderr).toContain('suppression of PRELOAD_JS_CHECK without a reason');
  }, 70_000);
});
