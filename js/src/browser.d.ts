// Types of the browser entry (dist/browser/jsvm.js): everything the Node
// entry exports, plus the Worker-backed VM.
import * as vm from 'node:vm';
import type { VmOptions } from './index.js';

export * from './index.js';
export { default } from './index.js';

/** Options of `createWorkerVm`. */
export interface WorkerVmOptions extends VmOptions {
  /** Receives the guest's console lines (default: the page's console). */
  console?: (level: 'log' | 'info' | 'debug' | 'warn' | 'error', text: string) => void;
  /**
   * How long (ms) a stop may take before the Worker is terminated: after
   * `interrupt()`, and after a run's `timeout` (code that never reaches a
   * checkpoint). Default 1000.
   */
  stopGraceMs?: number;
}

/** A context that lives in a WorkerVm's Worker. */
export interface WorkerContext {
  /** A copy of the context object as it is now (what code in it set, included). */
  read(): Promise<Record<string, unknown>>;
  /** Lets the Worker forget this context. */
  dispose(): Promise<void>;
}

/** A script compiled in a WorkerVm's Worker. */
export interface WorkerScript {
  runInContext(context: WorkerContext, options?: vm.RunningScriptOptions): Promise<unknown>;
  runInNewContext(object?: Record<string, unknown>, options?: vm.RunningScriptInNewContextOptions): Promise<unknown>;
  /** Lets the Worker forget this script. */
  dispose(): Promise<void>;
}

/**
 * node:vm's API, asynchronous, over a guest that runs in a Web Worker: the
 * page stays responsive while guest code runs. Objects handed in are
 * copied (structured clone); results come back as copies, with functions
 * as `[Function: name]` strings and errors as errors (name, message,
 * stack, `code`); a result that is a promise is awaited in the Worker.
 */
export interface WorkerVm {
  /**
   * The context's `console` prints to the VM's `console` callback (in Node a
   * context's console prints nowhere), unless the object has its own
   * `console` or `options.console` is false.
   */
  createContext(object?: Record<string, unknown>, options?: vm.CreateContextOptions & { console?: boolean }): Promise<WorkerContext>;
  runInContext(code: string, context: WorkerContext, options?: vm.RunningScriptOptions | string): Promise<unknown>;
  runInNewContext(code: string, object?: Record<string, unknown>, options?: vm.RunningScriptInNewContextOptions | string): Promise<unknown>;
  createScript(code: string, options?: vm.ScriptOptions | string): Promise<WorkerScript>;
  /**
   * Stops the guest code running now. On a cross-origin isolated page the
   * run ends with ERR_SCRIPT_EXECUTION_INTERRUPTED and the contexts stay;
   * otherwise the Worker is terminated: the call rejects with
   * ERR_VM_STATE_LOST, and the next call starts a fresh Worker.
   */
  interrupt(): void;
  /** Whether `interrupt()` keeps the VM's state (the page has shared memory). */
  readonly interruptKeepsState: boolean;
  /** Ends the Worker; the next call starts a fresh one. */
  terminate(): void;
}

/** A VM whose guest runs in a Web Worker; resolves when it is ready. */
export function createWorkerVm(options?: WorkerVmOptions): Promise<WorkerVm>;
