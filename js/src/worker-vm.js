// The page side of a Worker-backed VM: the async twin of node:vm's API,
// whose guest runs in a Web Worker (worker.js), so the page stays
// responsive while guest code runs. Stopping running code:
// - with shared memory (a cross-origin isolated page), `interrupt()` sets
//   a flag the guest's checkpoint reads: the run ends with
//   ERR_SCRIPT_EXECUTION_INTERRUPTED and the VM keeps its contexts;
// - without it, or when the guest does not stop within `stopGraceMs`,
//   the Worker is terminated: the running call and every call waiting
//   behind it reject with ERR_VM_STATE_LOST, the VM's contexts and scripts
//   are gone, and the next call starts a fresh Worker.
// A run with a `timeout` ends in the guest with ERR_SCRIPT_EXECUTION_TIMEOUT;
// the page's watchdog terminates the Worker if it has not answered
// `stopGraceMs` after the timeout (code that never reaches a checkpoint).

import { isErrorRecord, revive, errorFromRecord } from './clone.js';
import { defaultConsole } from './instance.js';
import { codedError, describe, vmOptions } from './vm.js';

/** How long a stop may take before the Worker is terminated (ms). */
const DEFAULT_STOP_GRACE_MS = 1000;

/**
 * The options of `createWorkerVm`: the package's VM options
 * (`memoryLimit`), plus `console(level, text)` for the guest's console
 * lines and `stopGraceMs`.
 */
export function workerVmOptions(options) {
  const { memoryLimit } = vmOptions(options);
  const { console: onConsole, stopGraceMs = DEFAULT_STOP_GRACE_MS } = options;
  if (onConsole !== undefined && typeof onConsole !== 'function') throw invalidArgType('options.console', 'function', onConsole);
  if (typeof stopGraceMs !== 'number' || !(stopGraceMs >= 0)) throw invalidArgType('options.stopGraceMs', 'number', stopGraceMs);
  return { memoryLimit, onConsole, stopGraceMs };
}

/** A Worker-backed VM; see index.d.ts (`WorkerVm`). */
export class WorkerVm {
  #url;
  #modules;
  #options;
  #worker;
  #generation = 0;
  #ready;
  #pending = new Map();
  #nextCall = 1;
  #flag;
  #lostReason;

  constructor(url, modules, options) {
    this.#url = url;
    this.#modules = [...modules];
    this.#options = options;
    this.#start();
  }

  /** Whether `interrupt()` can stop running code without ending the Worker (shared memory). */
  get interruptKeepsState() {
    return this.#flag !== undefined;
  }

  /** Resolves when the Worker's guest is ready. */
  ready() {
    return this.#ready;
  }

  /**
   * node:vm's `createContext(object, options)`: the object is copied in;
   * the context lives in the Worker. Its `console` prints to the VM's
   * `console` callback unless the object has its own or `options.console`
   * is false.
   */
  async createContext(object = {}, options) {
    const generation = await this.#current();
    const id = await this.#call('createContext', { object, options });
    return new WorkerContext(this, generation, id);
  }

  /** node:vm's `runInContext(code, context, options)`; resolves with a copy of the result. */
  async runInContext(code, context, options) {
    const generation = await this.#current();
    return this.#call('runInContext', { code, context: this._contextId(context, generation), options }, timeoutOf(options));
  }

  /**
   * node:vm's `runInNewContext(code, object, options)`; resolves with a
   * copy of the result. The new context's `console` prints as
   * `createContext`'s does.
   */
  async runInNewContext(code, object, options) {
    await this.#current();
    return this.#call('runInNewContext', { code, object, options }, timeoutOf(options));
  }

  /** node:vm's `new Script(code, options)`, compiled in the Worker. */
  async createScript(code, options) {
    const generation = await this.#current();
    const id = await this.#call('createScript', { code, options });
    return new WorkerScript(this, generation, id);
  }

  /**
   * Stops the guest code running now. With shared memory the run ends with
   * ERR_SCRIPT_EXECUTION_INTERRUPTED and the contexts stay; otherwise (or
   * if it does not stop within `stopGraceMs`) the Worker is terminated.
   * Does nothing when no call is running.
   */
  interrupt() {
    if (![...this.#pending.values()].some((call) => call.running)) return;
    if (this.#flag === undefined) {
      this.#lose('interrupt() terminated the Worker to stop the running code (the page is not cross-origin isolated, so it has no shared memory)');
      return;
    }
    Atomics.store(this.#flag, 0, 1);
    const generation = this.#generation;
    const running = [...this.#pending.keys()];
    setTimeout(() => {
      if (generation === this.#generation && running.some((id) => this.#pending.get(id)?.running)) {
        this.#lose(`the guest did not stop within ${this.#options.stopGraceMs} ms of interrupt(), so its Worker was terminated`);
      }
    }, this.#options.stopGraceMs);
  }

  /** Ends the Worker; later calls start a fresh one. */
  terminate() {
    this.#lose('terminate() ended the Worker');
  }

  /** @internal A call of a context or script made by this VM. */
  _call(call, args, generation, timeoutMs) {
    if (generation !== this.#generation) return Promise.reject(stateLost(this.#lostReason));
    return this.#call(call, args, timeoutMs);
  }

  /** @internal The Worker's id of `context`, a context of this VM's Worker of `generation`. */
  _contextId(context, generation) {
    if (!(context instanceof WorkerContext) || context._vm !== this) {
      throw invalidArgType('contextifiedObject', 'WorkerContext of this VM', context);
    }
    if (context._generation !== generation) throw stateLost(this.#lostReason);
    return context._id;
  }

  #start() {
    this.#generation++;
    this.#worker = new Worker(this.#url, { type: 'module', name: 'jsvm' });
    this.#worker.onmessage = ({ data }) => this.#answer(data);
    this.#worker.onerror = (event) => {
      event.preventDefault?.();
      this.#lose(`the Worker failed: ${event.message ?? 'an error'}`);
    };
    this.#flag = typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated !== false
      ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
    this.#ready = this.#call('init', {
      modules: this.#modules,
      memoryLimit: this.#options.memoryLimit,
      interruptBuffer: this.#flag?.buffer,
    });
  }

  /** The current generation, after starting a fresh Worker if the last one was lost. */
  async #current() {
    if (this.#worker === undefined) this.#start();
    await this.#ready;
    return this.#generation;
  }

  #call(call, args, timeoutMs) {
    const id = this.#nextCall++;
    return new Promise((resolve, reject) => {
      let watchdog;
      if (timeoutMs !== undefined) {
        const generation = this.#generation;
        watchdog = setTimeout(() => {
          if (generation === this.#generation && this.#pending.has(id)) {
            this.#lose(`a run with a timeout of ${timeoutMs} ms had not stopped ${this.#options.stopGraceMs} ms after it, so its Worker was terminated`);
          }
        }, timeoutMs + this.#options.stopGraceMs);
      }
      // `running` until the Worker says the call's synchronous part ended
      // (it may then wait on a promise the code returned: no watchdog).
      this.#pending.set(id, { resolve, reject, watchdog, running: true });
      try {
        this.#worker.postMessage({ id, call, args });
      } catch (error) {
        this.#pending.delete(id);
        clearTimeout(watchdog);
        reject(error);
      }
    });
  }

  #answer(data) {
    if ('console' in data) {
      (this.#options.onConsole ?? defaultConsole)(data.console, data.text);
      return;
    }
    const pending = this.#pending.get(data.id);
    if (pending === undefined) return;
    if (data.settling) {
      pending.running = false;
      clearTimeout(pending.watchdog);
      return;
    }
    this.#pending.delete(data.id);
    clearTimeout(pending.watchdog);
    if (this.#flag !== undefined && ![...this.#pending.values()].some((call) => call.running)) Atomics.store(this.#flag, 0, 0);
    if (data.ok) pending.resolve(revive(data.value));
    else pending.reject(isErrorRecord(data.error) ? errorFromRecord(data.error) : data.error);
  }

  /** Terminates the Worker; everything waiting on it rejects with ERR_VM_STATE_LOST. */
  #lose(reason) {
    if (this.#worker === undefined) return;
    this.#worker.terminate();
    this.#worker = undefined;
    this.#lostReason = reason;
    const error = stateLost(reason);
    for (const { reject, watchdog } of this.#pending.values()) {
      clearTimeout(watchdog);
      reject(error);
    }
    this.#pending.clear();
  }
}

/** A context that lives in a WorkerVm's Worker. */
export class WorkerContext {
  constructor(vm, generation, id) {
    this._vm = vm;
    this._generation = generation;
    this._id = id;
  }

  /** A copy of the context object as it is now (what code in it set, included). */
  read() {
    return this._vm._call('readContext', { context: this._id }, this._generation);
  }

  /** Lets the Worker forget this context. */
  dispose() {
    return this._vm._call('disposeContext', { context: this._id }, this._generation);
  }
}

/** A script compiled in a WorkerVm's Worker. */
export class WorkerScript {
  constructor(vm, generation, id) {
    this._vm = vm;
    this._generation = generation;
    this._id = id;
  }

  /** node:vm's `script.runInContext(context, options)`. */
  async runInContext(context, options) {
    const id = this._vm._contextId(context, this._generation);
    return this._vm._call('runScript', { script: this._id, context: id, options }, this._generation, timeoutOf(options));
  }

  /** node:vm's `script.runInNewContext(object, options)`. */
  runInNewContext(object, options) {
    return this._vm._call('runScript', { script: this._id, object, options }, this._generation, timeoutOf(options));
  }

  /** Lets the Worker forget this script. */
  dispose() {
    return this._vm._call('disposeScript', { script: this._id }, this._generation);
  }
}

function timeoutOf(options) {
  const timeout = options?.timeout;
  return typeof timeout === 'number' && timeout > 0 ? timeout : undefined;
}

function stateLost(reason) {
  return codedError(Error, 'ERR_VM_STATE_LOST', `jsvm: the VM's state was lost (${reason ?? 'its Worker ended'}); every context and script it had is gone, and the next call starts a fresh Worker`);
}

function invalidArgType(name, type, value) {
  return codedError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "${name}" argument must be of type ${type}. Received ${describe(value)}`);
}
