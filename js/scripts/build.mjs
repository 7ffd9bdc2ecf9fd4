// Transpiles the jsvm component (built by `cargo build`) into an ES module
// with jco, into js/dist/. The guest's `jsvm:vm/host` imports come from
// js/src/host.js; WASI comes from @bytecodealliance/preview2-shim.
//
//   node scripts/build.mjs [path/to/jsvm_guest.wasm]

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transpile } from '@bytecodealliance/jco-transpile';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const wasm = resolve(process.argv[2] ?? join(root, '..', 'target', 'guest', 'wasm32-wasip2', 'release', 'jsvm_guest.wasm'));
const outDir = join(root, 'dist');

const { files } = await transpile(wasm, {
  name: 'jsvm',
  map: { 'jsvm:vm/host': '../src/host.js' },
  outDir,
});
for (const [name, content] of Object.entries(files)) {
  const path = join(outDir, name.startsWith(outDir) ? name.slice(outDir.length) : name);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}
console.log(`transpiled ${wasm} -> ${outDir}`);
