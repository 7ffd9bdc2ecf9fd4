// The Worker side of a Worker-backed VM (worker-vm.js is the page's): one
// guest instance, made from the core modules the page compiled, that runs
// the page's calls in order. Contexts and scripts stay here and the page
// names them by number; values go back as copies (clone.js). The guest's
// console lines and its answers are messages to the page.

import { GuestInstance } from './instance.js';
import { nodeVmApi } from './vm.js';
import { errorRecord, toCloneable } from './clone.js';

let instance;
let vm;
/** The guest's own (native) Function.prototype.toString, and the instance it is of. */
let toString;
let toStringOf;
const contexts = new Map();
const scripts = new Map();
let nextId = 1;

/** The calls the page can make; each returns what goes back (before copying). */
const calls = {
  init({ modules, memoryLimit, interruptBuffer }) {
    const compiled = new Map(modules);
    instance = new GuestInstance((name) => compiled.get(name), {
      memoryLimit,
      interruptBuffer,
      console: (level, text) => postMessage({ console: level, text }),
    });
    vm = nodeVmApi(instance);
    return true;
  },
  createContext({ object, options }) {
    const context = vm.createContext(withConsole(object ?? {}, options), nodeOptions(options));
    const id = nextId++;
    contexts.set(id, context);
    return id;
  },
  readContext({ context }) {
    return contextOf(context);
  },
  disposeContext({ context }) {
    contexts.delete(context);
  },
  runInContext({ code, context, options }) {
    return vm.runInContext(code, contextOf(context), options);
  },
  runInNewContext({ code, object, options, contextOptions }) {
    return vm.runInNewContext(code, withConsole(object ?? {}, contextOptions), options);
  },
  createScript({ code, options }) {
    const script = new vm.Script(code, options);
    const id = nextId++;
    scripts.set(id, script);
    return id;
  },
  runScript({ script, context, object, options }) {
    const compiled = scripts.get(script);
    if (compiled === undefined) throw new Error('jsvm: this script was disposed');
    return context === undefined ? compiled.runInNewContext(withConsole(object ?? {}), options) : compiled.runInContext(contextOf(context), options);
  },
  disposeScript({ script }) {
    scripts.delete(script);
  },
};

/**
 * The context object with a `console` that prints to the page (the guest's
 * own, whose lines the VM posts), unless it has one or `console: false`.
 * In Node a context's console is V8's, which prints nowhere but the
 * inspector; in a Worker the page's callback is the only place to print.
 */
function withConsole(object, options) {
  if (options?.console !== false && object !== null && typeof object === 'object' && !Object.hasOwn(object, 'console')) {
    // Not enumerable: a global of the context, not data of the object.
    Object.defineProperty(object, 'console', { value: vm.runInThisContext('console'), writable: true, configurable: true, enumerable: false });
  }
  return object;
}

/** node:vm's createContext options, without the Worker VM's own `console`. */
function nodeOptions(options) {
  if (options === undefined || options === null || typeof options !== 'object') return options;
  const { console: _, ...rest } = options;
  return rest;
}

/**
 * A function's source, by the guest's own Function.prototype.toString
 * (fetched again when a trap rebuilt the guest: the old one is gone).
 */
function functionSource(f) {
  if (toStringOf !== instance.membrane) {
    toString = vm.runInThisContext('Function.prototype.toString');
    toStringOf = instance.membrane;
  }
  return Reflect.apply(toString, f, []);
}

function contextOf(id) {
  const context = contexts.get(id);
  if (context === undefined) throw new Error('jsvm: this context was disposed');
  return context;
}

onmessage = async ({ data: { id, call, args } }) => {
  try {
    let value = calls[call](args);
    // A promise (or thenable) the code returned: what it settles with.
    if (value !== null && (typeof value === 'object' || typeof value === 'function') && typeof value.then === 'function') {
      postMessage({ id, settling: true });
      value = await value;
    }
    postMessage({ id, ok: true, value: toCloneable(value, functionSource) });
  } catch (error) {
    postMessage({ id, ok: false, error: errorRecord(error) });
  }
};
