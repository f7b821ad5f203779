import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** Preact with the automatic JSX runtime; no framework plugin needed. Hash routing: any base works. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    assetsDir: 'web-assets',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The one chunk above Vite's 500 kB default is tree-shaken ECharts (~540 kB, ~180 kB gzipped), which only the
    // statistics dashboard imports, on demand.
    chunkSizeWarningLimit: 600,
  },
});
