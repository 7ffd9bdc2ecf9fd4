// Builds the package from the component `cargo build --release` made:
// jco transpiles it (instantiation: 'sync', so the package instantiates it
// itself, with its own host imports, and can rebuild it after a trap) into
// js/dist/component/; esbuild bundles the browser entry and its Worker
// into js/dist/browser/ (jsvm.js, worker.js and the core modules beside
// them: a page imports jsvm.js with no import map or bundler). Nothing
// generated is committed.
//
// The browser gets the guest built for size (jsvm-browser.wasm, from
// `cargo build --release --features browser-guest`, which this script runs
// unless both components are named): Chromium instantiates a module
// synchronously on a page's main thread only below 8 MB, and a page
// downloads it.
//
//   npm run build [-- path/to/jsvm.wasm [path/to/jsvm-browser.wasm]]

import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// jco 1.15 is the last release whose bindings carry no component-model-async
// task bookkeeping on every call: with it, a host call costs about half (see
// BENCHMARKS.md); the guest uses no async component features.
import { transpile } from '@bytecodealliance/jco';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
// The pre-initialised component `cargo build --release` leaves beside the
// jsvm command (the guest's own build output is not pre-initialised).
const wasm = resolve(process.argv[2] ?? join(root, '..', 'target', 'release', 'jsvm.wasm'));
const targetDir = resolve(process.env.CARGO_TARGET_DIR ?? join(root, '..', 'target'));
const browserWasm = resolve(process.argv[3] ?? join(targetDir, 'release', 'jsvm-browser.wasm'));
const outDir = join(root, 'dist', 'component');

// Unless it is named, the browser's guest is (re)built by cargo, which does
// nothing when it is up to date, so it never lags behind the guest's source.
if (process.argv[3] === undefined) {
  console.log('building the guests (cargo build --release --features browser-guest)');
  execFileSync('cargo', ['build', '--release', '--features', 'browser-guest'], { cwd: join(root, '..'), stdio: 'inherit' });
}

const { files } = await transpile(await readFile(wasm), { name: 'jsvm', instantiation: 'sync', outDir });
await rm(outDir, { recursive: true, force: true });
for (const [name, content] of Object.entries(files)) {
  const path = join(outDir, name.startsWith(outDir) ? name.slice(outDir.length) : name);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}
// The core modules the component is made of, for the entries that compile them.
const coreModules = Object.keys(files).map((name) => name.split('/').pop()).filter((name) => name.endsWith('.wasm'));
await writeFile(join(outDir, 'core-modules.json'), JSON.stringify(coreModules));
console.log(`transpiled ${wasm} -> ${outDir}`);

const browserDir = join(root, 'dist', 'browser');
await rm(browserDir, { recursive: true, force: true });
await build({
  entryPoints: { jsvm: join(root, 'src', 'browser.js'), worker: join(root, 'src', 'worker.js') },
  outdir: browserDir,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  // The core modules' names, so the bundle fetches them with no manifest.
  define: { JSVM_CORE_MODULES: JSON.stringify(coreModules) },
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
// The browser's core modules: the same WIT gives the same bindings, which
// the bundle took from dist/component/ (checked, not assumed).
const browser = await transpile(await readFile(browserWasm), { name: 'jsvm', instantiation: 'sync', outDir });
const bindings = (result) => Object.entries(result.files).find(([name]) => name.endsWith('jsvm.js'))[1].toString();
if (bindings(browser) !== bindings({ files })) throw new Error(`${browserWasm} and ${wasm} have different bindings: build both from the same tree`);
for (const [name, content] of Object.entries(browser.files)) {
  if (name.endsWith('.wasm')) await writeFile(join(browserDir, name.split('/').pop()), content);
}
console.log(`bundled src/browser.js with ${browserWasm} -> ${browserDir}`);
