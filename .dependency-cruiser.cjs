/**
 * Layering rules: the folder says where code runs. `npm run lint` fails on any violation;
 * scripts/layering.test.ts feeds these rules forbidden imports and checks that they fail.
 *
 * Product code = electron/{main,preload,host,common}, renderer, hardware, authority.
 * Tooling that may use simulators = electron/dev (development composition root), electron/cli
 * (kioskctl), scripts, fixtures, e2e and tests.
 */
const TEST = '\\.(test|spec)\\.tsx?$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'electron-only-in-entry-points',
      comment: 'Only the Electron entry points (electron/main, electron/preload) may value-import electron.',
      severity: 'error',
      from: { pathNot: ['^electron/(main|preload)/', '^e2e/'] },
      to: { path: '^(node_modules/)?electron(/index\\.js)?$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'renderer-is-browser-only',
      comment: 'The renderer runs in the browser: no Node built-ins.',
      severity: 'error',
      from: { path: '^renderer/', pathNot: '\\.node\\.test\\.tsx?$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'renderer-imports-only-common-host-code',
      comment: 'The renderer may import electron/common (environment-free contract) and nothing else outside renderer/.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(hardware|authority|fixtures|e2e|scripts)/|^electron/(?!common/)' },
    },
    {
      name: 'hardware-is-plain-node',
      comment: 'hardware/ is plain Node: no renderer, no Electron shell, no authority, no simulators.',
      severity: 'error',
      from: { path: '^hardware/', pathNot: TEST },
      to: { path: '^(renderer|electron|authority|fixtures|e2e)/' },
    },
    {
      name: 'authority-is-independent',
      comment: 'The reference authority is a separate server: it shares only plain-Node hardware/icao verification code.',
      severity: 'error',
      from: { path: '^authority/', pathNot: TEST },
      to: { path: '^(renderer|electron|fixtures|e2e)/' },
    },
    {
      name: 'common-is-environment-free',
      comment: 'electron/common is shared with the renderer: no Node built-ins, no host code.',
      severity: 'error',
      from: { path: '^electron/common/' },
      to: { path: '^(?!electron/common/|node_modules/zod/)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'product-code-never-imports-fixtures-or-e2e',
      comment: 'Simulators, test PKI and e2e helpers stay out of product code (tests and tooling may use them).',
      severity: 'error',
      from: { path: '^(electron/(main|preload|host|common)|renderer|hardware|authority)/', pathNot: TEST },
      to: { path: '^(fixtures|e2e)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|release)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
