// The package's entry for browsers (bundled by scripts/build.mjs into
// dist/browser/jsvm.js, beside the component's core modules): fetches and
// compiles the core modules relative to this module (once, during import:
// top-level await), and exports the same node:vm API as in Node, plus
// `createWorkerVm`, a VM whose guest runs in a Web Worker so that the page
// stays responsive and a runaway script can always be stopped.

import { packageApi } from './api.js';
import { WorkerVm, workerVmOptions } from './worker-vm.js';

/** The core module files of the component, written in at build time (see scripts/build.mjs). */
const CORE_MODULES = JSVM_CORE_MODULES;

const compiled = new Map(await Promise.all(CORE_MODULES.map(async (name) => {
  const url = new URL(name, import.meta.url);
  return [name, await WebAssembly.compileStreaming(fetch(url)).catch(async () => WebAssembly.compile(await (await fetch(url)).arrayBuffer()))];
})));

const api = packageApi((name) => compiled.get(name));
const vm = api.vm;

export default vm;
export const { interrupt, interruptFlag, createVm } = api;
export const {
  Script, Module, SourceTextModule, SyntheticModule, createContext, createScript, runInContext, runInNewContext,
  runInThisContext, isContext, compileFunction, measureMemory, constants,
} = vm;

/**
 * A VM whose guest runs in a Web Worker (see index.d.ts): the async twin
 * of the API. Resolves when the Worker's guest is ready.
 */
export async function createWorkerVm(options = {}) {
  const workerUrl = new URL('./worker.js', import.meta.url);
  const vm = new WorkerVm(workerUrl, compiled, workerVmOptions(options));
  await vm.ready();
  return vm;
}
