// The package's entry: node:vm's API over the guest, instantiated from the
// component's core modules (compiled during import, by core-node.js in
// Node and core-browser.js in a browser). `import vm from 'jsvm'` is
// node:vm, in a sandbox.

import { compiled } from '#core-modules';
import { packageApi } from './api.js';

const api = packageApi((name) => compiled.get(name));
const vm = api.vm;

export default vm;
export const { interrupt, interruptFlag, createVm } = api;
export const {
  Script, Module, SourceTextModule, SyntheticModule, createContext, createScript, runInContext, runInNewContext,
  runInThisContext, isContext, compileFunction, measureMemory, constants,
} = vm;
