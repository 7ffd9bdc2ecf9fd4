// The package's exports over a way to get the component's compiled core
// modules: the default VM (node:vm's API), `interrupt`, `interruptFlag` and
// `createVm`. The entry points differ only in how they compile the core
// modules (index.js reads files in Node, browser.js fetches them).

import { GuestInstance } from './instance.js';
import { nodeVmApi, vmOptions } from './vm.js';

/**
 * @param {(name: string) => WebAssembly.Module} getCoreModule
 */
export function packageApi(getCoreModule) {
  const instance = new GuestInstance(getCoreModule);
  return {
    vm: nodeVmApi(instance),
    /** Stops the guest code running now (ERR_SCRIPT_EXECUTION_INTERRUPTED); see index.d.ts. */
    interrupt: () => instance.limits.interrupt(),
    /** The shared flag another thread sets to interrupt (see index.d.ts). */
    interruptFlag: instance.limits.interruptFlag,
    /** A VM of its own (a separate guest), with the package's options; see index.d.ts. */
    createVm(options = {}) {
      const own = new GuestInstance(getCoreModule, vmOptions(options));
      return { ...nodeVmApi(own), interrupt: () => own.limits.interrupt(), interruptFlag: own.limits.interruptFlag };
    },
  };
}
