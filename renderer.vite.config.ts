import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The renderer is a plain browser bundle: relative base so it loads from app:// and from the web host.
export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: false,
    assetsInlineLimit: 0,
  },
  worker: { format: 'es' },
});
