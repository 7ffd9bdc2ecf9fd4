// The package's entry for Node: compiles the component's core modules
// (once, during import: top-level await), instantiates the guest, and
// exports node:vm's API over it. `import vm from 'jsvm'` is node:vm, in a
// sandbox.

import { readFile } from 'node:fs/promises';
import { packageApi } from './api.js';

const base = new URL('../dist/component/', import.meta.url);
const names = JSON.parse(await readFile(new URL('core-modules.json', base), 'utf8'));
const compiled = new Map(await Promise.all(names.map(async (name) => [name, await WebAssembly.compile(await readFile(new URL(name, base)))])));

const api = packageApi((name) => compiled.get(name));
const vm = api.vm;

export default vm;
export const { interrupt, interruptFlag, createVm } = api;
export const {
  Script, Module, SourceTextModule, SyntheticModule, createContext, createScript, runInContext, runInNewContext,
  runInThisContext, isContext, compileFunction, measureMemory, constants,
} = vm;
