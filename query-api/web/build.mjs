// Bundles the app into the directory given (the query-api build passes target/classes/webapp): app.js (every ES
// module of src/ and uPlot), app.css (ours and uPlot's), index.html and favicon.svg. Exactly the names
// WebAppController serves.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2] || 'dist';
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { app: 'src/main.js' },
  bundle: true, format: 'esm', target: 'es2020', minify: true, legalComments: 'none',
  outdir: out, logLevel: 'warning',
});
await build({
  entryPoints: { app: 'src/app.css' },
  bundle: true, minify: true, outdir: out, logLevel: 'warning',
});
for (const f of ['index.html', 'favicon.svg']) copyFileSync(join('src', f), join(out, f));
