/**
 * The layering rules must fail on forbidden imports: feed them a small tree that breaks each
 * rule once (and a few imports that are allowed) and compare the violations found.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const config = require('../.dependency-cruiser.cjs') as { forbidden: unknown[]; options: Record<string, unknown> };

const tree: Record<string, string> = {
  'renderer/uses-node.ts': "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;",
  'renderer/uses-hardware.ts': "import { h } from '../hardware/h';\nexport const b = h;",
  'renderer/uses-host.ts': "import { s } from '../electron/host/service';\nexport const c = s;",
  'renderer/uses-common.ts': "import { k } from '../electron/common/k';\nexport const d = k;",
  'hardware/h.ts': 'export const h = 1;',
  'hardware/uses-electron.ts': "import { app } from 'electron';\nexport const e = app;",
  'hardware/types-electron.ts': "import type { App } from 'electron';\nexport type F = App;",
  'hardware/uses-renderer.ts': "import { d } from '../renderer/uses-common';\nexport const g = d;",
  'electron/common/k.ts': 'export const k = 2;',
  'electron/common/uses-node.ts': "import { join } from 'node:path';\nexport const p = join;",
  'electron/host/service.ts': 'export const s = 3;',
  'electron/host/uses-electron.ts': "import { BrowserWindow } from 'electron';\nexport const w = BrowserWindow;",
  'electron/host/uses-fixture.ts': "import { f } from '../../fixtures/f';\nexport const x = f;",
  'electron/host/uses-fixture.test.ts': "import { f } from '../../fixtures/f';\nexport const y = f;",
  'electron/main/main.ts': "import { app } from 'electron';\nimport { s } from '../host/service';\nexport const z = [app, s];",
  // A stand-in package so that `electron` resolves as it does in the real tree.
  'node_modules/electron/package.json': '{"name":"electron","version":"0.0.0","main":"index.js","types":"index.d.ts"}',
  'node_modules/electron/index.js': 'module.exports = {};',
  'node_modules/electron/index.d.ts': 'export declare const app: unknown; export declare const BrowserWindow: unknown; export type App = unknown;',
  'fixtures/f.ts': "import { h } from '../hardware/h';\nexport const f = h;",
};

async function violations(): Promise<string[]> {
  const base = mkdtempSync(join(tmpdir(), 'layering-'));
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(base, path)), { recursive: true });
    writeFileSync(join(base, path), text);
  }
  const previous = process.cwd();
  process.chdir(base);
  try {
    const { tsConfig: _tsConfig, ...options } = config.options;
    const result = await cruise(['renderer', 'hardware', 'electron', 'fixtures'], {
      ...options,
      baseDir: base,
      validate: true,
      ruleSet: { forbidden: config.forbidden },
    } as never);
    const output = result.output as ICruiseResult;
    return output.summary.violations.map((v) => `${v.rule.name}: ${v.from}`).sort();
  } finally {
    process.chdir(previous);
  }
}

describe('layering rules', () => {
  it('reject each forbidden import and accept the allowed ones', async () => {
    expect(await violations()).toEqual(
      [
        'common-is-environment-free: electron/common/uses-node.ts',
        'electron-only-in-entry-points: electron/host/uses-electron.ts',
        'electron-only-in-entry-points: hardware/uses-electron.ts',
        'hardware-is-plain-node: hardware/uses-renderer.ts',
        'product-code-never-imports-fixtures-or-e2e: electron/host/uses-fixture.ts',
        'renderer-imports-only-common-host-code: renderer/uses-hardware.ts',
        'renderer-imports-only-common-host-code: renderer/uses-host.ts',
        'renderer-is-browser-only: renderer/uses-node.ts',
      ].sort(),
    );
  });
});
