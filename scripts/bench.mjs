// Runs every benchmark (scripts/bench-*.ts), or the ones named: `npm run bench -- reader chip`.
// Each prints its own medians and ratios; this only sequences them (one at a time: 2 cores).
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const wanted = process.argv.slice(2);
const all = readdirSync(`${root}scripts`).filter((f) => /^bench-.+\.ts$/.test(f)).sort();
const chosen = wanted.length ? all.filter((f) => wanted.some((w) => f === `bench-${w}.ts`)) : all;
if (chosen.length === 0) {
  console.error(`no benchmark matches ${wanted.join(' ')}; have: ${all.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const file of chosen) {
  console.log(`\n=== ${file} ===`);
  const run = spawnSync(process.execPath, [`${root}node_modules/tsx/dist/cli.mjs`, `${root}scripts/${file}`], { stdio: 'inherit', cwd: root });
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
