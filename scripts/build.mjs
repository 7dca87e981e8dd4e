// Builds everything under dist/: the renderer (Vite), the Electron entry points (CommonJS, as
// Electron's sandboxed preload requires), the web host, kioskctl and the reference authority
// (ESM). Node packages stay external: they are installed next to dist/ (and packed by
// electron-builder). Run: `npm run build`.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { cpSync, existsSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (p) => `${root}${p}`;
const pkg = JSON.parse(readFileSync(at('package.json'), 'utf8'));

rmSync(at('dist/electron'), { recursive: true, force: true });
rmSync(at('dist/authority'), { recursive: true, force: true });
mkdirSync(at('dist'), { recursive: true });

// Optional build steps contributed by feature areas (e.g. face models derived from npm packages).
for (const step of ['scripts/models/build-models.ts']) {
  if (!existsSync(at(step))) continue;
  const run = spawnSync(process.execPath, [at('node_modules/tsx/dist/cli.mjs'), at(step)], { stdio: 'inherit', cwd: root });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

await viteBuild({ configFile: at('renderer.vite.config.ts'), logLevel: 'warn' });
// The face models (built from npm packages above) are served with the renderer, at ./models/.
if (existsSync(at('build/models/models.json'))) {
  cpSync(at('build/models'), at('dist/renderer/models'), { recursive: true, filter: (src) => !src.endsWith('.gitignore') });
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { 'process.env.KIOSK_BUILD_VERSION': JSON.stringify(pkg.version) },
};

// Electron entry points: CommonJS; import.meta.url mapped onto __filename.
const cjs = {
  ...common,
  format: 'cjs',
  external: ['electron'],
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { ...common.define, 'import.meta.url': '__importMetaUrl' },
};
await esbuild({ ...cjs, entryPoints: [at('electron/main/main.ts')], outfile: at('dist/electron/main.cjs') });
// The sandboxed preload can require only `electron`: bundle everything else into it.
await esbuild({ ...cjs, packages: undefined, entryPoints: [at('electron/preload/preload.ts')], outfile: at('dist/electron/preload.cjs') });

const esm = { ...common, format: 'esm', outExtension: { '.js': '.js' } };
await esbuild({
  ...esm,
  entryPoints: {
    'web-host': at('electron/host/web-host-main.ts'),
    kioskctl: at('electron/cli/kioskctl.ts'),
  },
  outdir: at('dist/electron'),
});

const authorityEntries = Object.fromEntries(
  [['main', 'authority/main.ts'], ['admin', 'authority/admin.ts']].filter(([, p]) => existsSync(at(p))).map(([n, p]) => [n, at(p)]),
);
if (Object.keys(authorityEntries).length > 0) {
  await esbuild({ ...esm, entryPoints: authorityEntries, outdir: at('dist/authority') });
}
console.log('build: dist/ ready');
