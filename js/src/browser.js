// The package's entry for browsers (bundled by scripts/build.mjs into
// dist/browser/jsvm.js, beside the component's core modules): the same
// node:vm API as in Node, plus `createWorkerVm`, a VM whose guest runs in
// a Web Worker so that the page stays responsive and a runaway script can
// always be stopped.

import { compiled } from '#core-modules';
import { WorkerVm, workerVmOptions } from './worker-vm.js';

export * from './index.js';
export { default } from './index.js';

/**
 * A VM whose guest runs in a Web Worker (see browser.d.ts): the async twin
 * of the API. Resolves when the Worker's guest is ready.
 */
export async function createWorkerVm(options = {}) {
  const workerUrl = new URL('./worker.js', import.meta.url);
  const vm = new WorkerVm(workerUrl, compiled, workerVmOptions(options));
  await vm.ready();
  return vm;
}
