// The package's entry: node:vm's API over the guest, instantiated from the
// component's core modules (compiled during import, by core-node.js in
// Node and core-browser.js in a browser). `import vm from 'jsvm'` is
// node:vm, in a sandbox.

import { compiled } from '#core-modules';
import { GuestInstance } from './instance.js';
import { nodeVmApi, vmOptions } from './vm.js';

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
