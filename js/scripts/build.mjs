// Builds the package from the component `cargo build --release` made:
// jco transpiles it (instantiation: 'sync', so the package instantiates it
// itself, with its own host imports, and can rebuild it after a trap) into
// js/dist/component/. Nothing generated is committed.
//
//   npm run build [-- path/to/jsvm_guest.wasm]

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// jco 1.15 is the last release whose bindings carry no component-model-async
// task bookkeeping on every call: with it, a host call costs about half (see
// BENCHMARKS.md); the guest uses no async component features.
import { transpile } from '@bytecodealliance/jco';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const wasm = resolve(process.argv[2] ?? join(root, '..', 'target', 'guest', 'wasm32-wasip2', 'release', 'jsvm_guest.wasm'));
const outDir = join(root, 'dist', 'component');

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
