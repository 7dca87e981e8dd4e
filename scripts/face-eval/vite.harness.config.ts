/**
 * Builds the face harness page (renderer/face/harness) into build/face-harness:
 *   npx vite build -c scripts/face-eval/vite.harness.config.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('../../renderer/face/harness', import.meta.url));
const outDir = fileURLToPath(new URL('../../build/face-harness', import.meta.url));
export default defineConfig({
  root,
  base: './',
  logLevel: 'warn',
  build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
  worker: { format: 'es' },
  plugins: [
    {
      name: 'ignore-output',
      closeBundle() {
        writeFileSync(join(outDir, '.gitignore'), '*\n');
      },
    },
  ],
});
