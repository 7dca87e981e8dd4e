#!/usr/bin/env node
/**
 * Electronegativity over the Electron shell's sources (part of `npm run lint`): fails on any
 * finding. A finding that is a deliberate choice is suppressed on its line with
 * `// eng-disable <CHECK_ID> <why>`; the reason is required by this script.
 *
 * Runs the package's programmatic API: its CLI needs an old `commander` that the package does not
 * declare (it picks up the hoisted v14 and fails), and the API gives the findings as data.
 * Offline by construction: the library would fetch translations and Electron's release list
 * (upgrade advice only); its HTTP client is replaced by one that refuses at once, and the check
 * that needs the release list (AvailableSecurityFixesGlobalCheck) is not run. CI reaches no host.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
// One input: the global checks (navigation limits, permission handler, CSP) judge the whole app.
const targets = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['electron'];

/**
 * Global checks that cannot see this app's setup, each with the reason it does not apply:
 * - AvailableSecurityFixesGlobalCheck needs Electron's release list from the network (upgrade advice only).
 * - CSPGlobalCheck (CSP_GLOBAL_CHECK) looks for a CSP in HTML meta tags or `onHeadersReceived`; ours is set on
 *   every `app://` response in main.ts's protocol handler (electron/host/content-security-policy.ts,
 *   the same policy the web host sends), which the check does not recognise.
 */
const excluded = ['CSPGlobalCheck', 'AvailableSecurityFixesGlobalCheck'];

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(c|m)?[jt]sx?$/.test(entry.name) ? [path] : [];
  });
}

// Refuse every network request the library would make (see the header).
const libraryRequire = createRequire(require.resolve('@doyensec/electronegativity'));
const gotPath = libraryRequire.resolve('got');
const offline = () => Promise.reject(new Error('offline: the security scan makes no network requests'));
offline.head = offline;
offline.get = offline;
require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: offline };

const run = require('@doyensec/electronegativity');
const originalLog = console.log;
let failed = false;
for (const target of targets) {
  // The library prints progress and network warnings itself; keep only our summary.
  console.log = () => {};
  let result;
  try {
    result = await run({ input: resolve(root, target), isRelative: true, electronVersionOverride: electronVersion, excludeFromScan: excluded, parserPlugins: [] });
  } finally {
    console.log = originalLog;
  }
  for (const error of result.errors) {
    failed = true;
    console.error(`electronegativity: ${target}: could not analyse ${error.file}: ${error.message ?? error.error ?? 'parse error'}`);
  }
  for (const issue of result.issues) {
    failed = true;
    console.error(`electronegativity: ${target}/${issue.file}:${issue.location.line}:${issue.location.column} ${issue.id} (${issue.severity.name}) ${issue.description}`);
  }
  // Every inline suppression must say why: `eng-disable CHECK_ID <reason of a few words>`.
  for (const file of sourceFiles(resolve(root, target))) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const match = /eng-disable((?:\s+[A-Z_]+)+)(.*)$/.exec(line);
        if (match && match[2].trim().length < 10) {
          failed = true;
          console.error(`electronegativity: ${relative(root, file)}:${i + 1}: suppression of${match[1]} without a reason`);
        }
      });
  }
  console.log(`electronegativity: ${target}: ${result.issues.length} finding(s), ${result.atomicChecks} atomic + ${result.globalChecks} global checks`);
}
process.exit(failed ? 1 : 0);
