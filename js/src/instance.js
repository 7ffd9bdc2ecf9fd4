// One guest instance behind the package's VM: instantiates the transpiled
// component with the package's host imports, runs every call into it, and
// rebuilds it after a trap (after which every object of the old instance
// throws ERR_VM_STATE_LOST). Nothing here is Node-specific: the entry
// point (index.js, browser.js) hands in the compiled core modules.

import { instantiate } from '../dist/component/jsvm.js';
import { Limits } from './limits.js';
import { Membrane, stateLostError } from './membrane.js';
import { guestStderr, wasiImports } from './wasi.js';

export class GuestInstance {
  /**
   * @param {(name: string) => WebAssembly.Module} getCoreModule compiled core modules of the component
   * @param {{ moduleSource?: (id: string) => string | undefined, console?: (level: string, text: string) => void, memoryLimit?: number, interruptBuffer?: SharedArrayBuffer }} options
   */
  constructor(getCoreModule, options = {}) {
    this.getCoreModule = getCoreModule;
    this.options = options;
    this.limits = new Limits(options.interruptBuffer);
    this.depth = 0;
    this.build();
  }

  /** A fresh component instance and membrane. */
  build() {
    const membrane = new Membrane(() => this.exports);
    membrane.invoke = (f) => this.invoke(membrane, f);
    const limits = this.limits;
    const print = this.options.console ?? defaultConsole;
    const host = {
      ...membrane.hostImports(),
      console: (level, text) => print(level, text),
      enterRun: (timeoutMs, breakOnSigint) => limits.enterRun(timeoutMs, breakOnSigint),
      leaveRun: (id) => limits.leaveRun(id),
      checkpoint: () => limits.checkpoint(),
      loadModule: (referrer, specifier) => loadModule(this.options.moduleSource, referrer, specifier),
      dropHostObject: () => {},
    };
    const component = instantiate(this.getCoreModule, { ...wasiImports(), 'jsvm:vm/host': host });
    this.exports = component.vm;
    this.membrane = membrane;
    // The guest's promise jobs run from the host's microtask queue, when
    // the host's stack empties, as a context's jobs do in Node.
    const { memoryLimit } = this.options;
    this.exports.configure({ deferJobs: true, memoryLimit: memoryLimit === undefined ? undefined : BigInt(memoryLimit) });
    this.jobsScheduled = false;
    // "This context" is a view of the host's global variables (see
    // membrane.js, HOST_GLOBAL_NAMES), as runInThisContext is in Node.
    this.invoke(membrane, () => this.exports.useHostGlobal(membrane.toGuest(globalThis)));
  }

  /** Runs the guest's queued jobs soon (once per burst of calls). */
  scheduleJobs(membrane) {
    if (this.jobsScheduled) return;
    this.jobsScheduled = true;
    queueMicrotask(() => {
      this.jobsScheduled = false;
      if (membrane !== this.membrane) return;
      try {
        this.runningJobs = true;
        this.invoke(membrane, () => this.exports.runJobs());
      } catch (error) {
        // A job's own failures reject its promise; what reaches here is a
        // stop nobody claimed, reported as Node reports a stray error.
        globalThis.console.error(error);
      } finally {
        this.runningJobs = false;
      }
    });
  }

  /** Runs one call into the guest (`f` uses `this.exports`). */
  invoke(membrane, f) {
    if (membrane !== this.membrane) throw stateLostError(membrane.lost ?? 'an earlier trap');
    this.depth++;
    const outermost = this.depth === 1;
    if (outermost) membrane.startedPromises = [];
    try {
      if (outermost) membrane.flush();
      return f();
    } catch (error) {
      const payload = jsError(error);
      if (outermost && STOPS.has(payload?.code)) membrane.cancelStarted(membrane.startedPromises, payload);
      if (payload !== undefined) throw membrane.errorToHost(payload);
      if (this.isTrap(error)) throw this.rebuild(error);
      throw error;
    } finally {
      if (outermost) membrane.startedPromises = undefined;
      this.depth--;
      if (this.depth === 0) {
        this.limits.endCall();
        if (membrane === this.membrane && !this.runningJobs) this.scheduleJobs(membrane);
      }
    }
  }

  isTrap(error) {
    return error instanceof WebAssembly.RuntimeError || (error instanceof RangeError && /call stack/i.test(error.message))
      || /wasm trap|cannot enter component/i.test(String(error?.message));
  }

  /** After a trap: a fresh instance; the error the failed call throws. */
  rebuild(cause) {
    // The guest's last stderr line is its panic message, when it panicked.
    const panic = guestStderr.text.trim().split('\n').pop();
    guestStderr.text = '';
    const reason = `the guest trapped: ${cause?.message ?? cause}${panic ? `: ${panic}` : ''}`;
    this.membrane.lost = reason;
    this.build();
    const error = new Error(`jsvm: the VM's state was lost and rebuilt (${reason}); every context and object it had is gone`);
    error.code = 'ERR_VM_STATE_LOST';
    error.cause = cause;
    return error;
  }

  /** The guest's node:vm module, as a host Proxy. */
  nodeVm() {
    return this.membrane.toHost(this.exports.nodeVm());
  }
}

/** The codes of a stopped run: what it started on the host ends with it. */
const STOPS = new Set(['ERR_SCRIPT_EXECUTION_TIMEOUT', 'ERR_SCRIPT_EXECUTION_INTERRUPTED']);

/** The `js-error` record a failed guest call threw (jco throws it bare, or wrapped with a `payload`). */
function jsError(error) {
  const record = error !== null && typeof error === 'object' && 'payload' in error ? error.payload : error;
  return record !== null && typeof record === 'object' && 'thrown' in record && 'stack' in record ? record : undefined;
}

/** Where a guest's console lines go unless the host says: the host's console. */
export function defaultConsole(level, text) {
  (level === 'warn' || level === 'error' ? globalThis.console.error : globalThis.console.log)(text);
}

function loaderError(code, message) {
  return { name: 'Error', message, stack: `Error [${code}]: ${message}`, code, thrown: { tag: 'undefined' } };
}

/**
 * The default loader's resolution (the same rules as the Rust host's module
 * root): relative specifiers against the importing module's id, others
 * against the root; nothing may leave the root. `source(id)` reads.
 */
function loadModule(source, referrer, specifier) {
  if (specifier.startsWith('/') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(specifier)) {
    throw loaderError('ERR_ACCESS_DENIED', `Access to '${specifier}' is denied: absolute paths and URLs are outside the module root`);
  }
  const relative = specifier.startsWith('./') || specifier.startsWith('../');
  const parts = relative && referrer ? referrer.split('/').filter(Boolean).slice(0, -1) : [];
  for (const part of specifier.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.pop() === undefined) {
        throw loaderError('ERR_ACCESS_DENIED', `Access to '${specifier}' is denied: it climbs above the module root`);
      }
    } else {
      parts.push(part);
    }
  }
  const id = `/${parts.join('/')}`;
  const text = source?.(id);
  if (typeof text !== 'string') {
    throw loaderError('ERR_MODULE_NOT_FOUND', `Cannot find module '${id}'${referrer ? ` imported from ${referrer}` : ''}`);
  }
  return { id, source: text };
}
