// Bundles the UI with esbuild into dist/ui (one script, one stylesheet, the page): no CDN, works
// offline. Run by `npm run build`; tests call bundleUi() so they never serve a stale bundle.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export async function bundleUi() {
  const out = here('../dist/ui/');
  await mkdir(out, { recursive: true });
  await build({
    entryPoints: [here('src/main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    outfile: `${out}app.js`,
    logLevel: 'warning',
  });
  await copyFile(here('index.html'), `${out}index.html`);
  await copyFile(here('style.css'), `${out}app.css`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleUi();
