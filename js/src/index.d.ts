// Types of the package: node:vm's own, as @types/node declares them (so a
// node:vm program type-checks unchanged against 'jsvm'), plus the
// package's additions.
import * as vm from 'node:vm';

export * from 'node:vm';
export { vm as default };

/** Node's undocumented alias of `new Script(code, options)`, which node:vm exports too. */
export function createScript(code: string, options?: vm.ScriptOptions | string): vm.Script;

/**
 * Asks guest code that is running now (from another agent: a Worker, or
 * a host callback) to stop: the run throws ERR_SCRIPT_EXECUTION_INTERRUPTED
 * and its context keeps its state. A request made while nothing runs
 * applies to the next run.
 */
export function interrupt(): void;

/**
 * The shared flag behind `interrupt()` for other threads:
 * `Atomics.store(interruptFlag, 0, 1)` from a Worker stops the running
 * guest code at its next checkpoint. Undefined where SharedArrayBuffer is
 * not available (a page that is not cross-origin isolated).
 */
export const interruptFlag: Int32Array | undefined;

/** The package's own options for a VM of its own. */
export interface VmOptions {
  /**
   * Bytes the guest's heap may hold (its engine and every context; a
   * fresh VM uses a few MiB). Checked as the guest runs: over it, the
   * running code stops with an Error whose `code` is `ERR_VM_MEMORY_LIMIT`
   * and the VM keeps its contexts. One allocation larger than what is left
   * of the engine's memory still ends the VM's state (ERR_VM_STATE_LOST).
   */
  memoryLimit?: number;
}

/** node:vm's API over a VM of its own, with its own `interrupt`. */
export type Vm = typeof vm & { interrupt(): void; readonly interruptFlag: Int32Array | undefined };

/**
 * A separate VM (its own guest instance: nothing is shared with the
 * default export's), with the package's options.
 */
export function createVm(options?: VmOptions): Vm;
