// The package's entry for Node: compiles the component's core modules
// (once, during import: top-level await), instantiates the guest, and
// exports node:vm's API over it. `import vm from 'jsvm'` is node:vm, in a
// sandbox.

import { readFile } from 'node:fs/promises';
import { GuestInstance } from './instance.js';
import { nodeVmApi, vmOptions } from './vm.js';

const base = new URL('../dist/component/', import.meta.url);
const names = JSON.parse(await readFile(new URL('core-modules.json', base), 'utf8'));
const compiled = new Map(await Promise.all(names.map(async (name) => [name, await WebAssembly.compile(await readFile(new URL(name, base)))])));

const getCoreModule = (name) => compiled.get(name);
const instance = new GuestInstance(getCoreModule);
const vm = nodeVmApi(instance);

export default vm;

/** Stops the guest code running now (ERR_SCRIPT_EXECUTION_INTERRUPTED); see index.d.ts. */
export function interrupt() {
  instance.limits.interrupt();
}

/** The shared flag another thread sets to interrupt (see index.d.ts). */
export const interruptFlag = instance.limits.interruptFlag;

/** A VM of its own (a separate guest), with the package's options; see index.d.ts. */
export function createVm(options = {}) {
  const own = new GuestInstance(getCoreModule, vmOptions(options));
  return { ...nodeVmApi(own), interrupt: () => own.limits.interrupt(), interruptFlag: own.limits.interruptFlag };
}
export const {
  Script, Module, SourceTextModule, SyntheticModule, createContext, createScript, runInContext, runInNewContext,
  runInThisContext, isContext, compileFunction, measureMemory, constants,
} = vm;
