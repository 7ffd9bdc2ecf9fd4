// The node:vm API (https://nodejs.org/docs/latest-v20.x/api/vm.html) for a
// JavaScript host: every export delegates to the guest's own node:vm layer
// through the membrane, so arguments are validated, and errors coded,
// exactly as in the guest (one implementation for every surface). Errors
// of the node:vm layer arrive as errors of the host's realm, as Node
// throws them; what code in a context throws is that context's own value.

/** Node 20's `vm` functions, in the order Node lists them. */
const FUNCTIONS = ['createContext', 'createScript', 'runInContext', 'runInNewContext', 'runInThisContext', 'isContext',
  'compileFunction', 'measureMemory'];
/** Node 20's `vm` classes. */
const CLASSES = ['Script', 'Module', 'SourceTextModule', 'SyntheticModule'];

/**
 * The `vm` module object over `instance` (a GuestInstance). Its functions
 * and classes stay valid when the instance is rebuilt after a trap; guest
 * objects made before it throw ERR_VM_STATE_LOST.
 */
export function nodeVmApi(instance) {
  let guestVm;
  let guestVmOf;
  const current = () => {
    if (guestVmOf !== instance.membrane) {
      guestVm = instance.nodeVm();
      guestVmOf = instance.membrane;
    }
    return guestVm;
  };
  const api = {};
  for (const name of CLASSES) {
    // A host constructor whose instances are the guest's: `new vm.Script()`
    // builds a guest Script, and `instanceof` asks the guest's class.
    const Class = {
      [name]: function (...args) {
        if (new.target === undefined) throw new TypeError(`Class constructor ${name} cannot be invoked without 'new'`);
        return Reflect.construct(current()[name], args);
      },
    }[name];
    Object.defineProperty(Class, Symbol.hasInstance, { value: (value) => value instanceof current()[name] });
    api[name] = Class;
  }
  for (const name of FUNCTIONS) {
    const fn = { [name]: (...args) => current()[name](...args) }[name];
    api[name] = fn;
  }
  const constants = current().constants;
  api.constants = Object.freeze({
    __proto__: null,
    USE_MAIN_CONTEXT_DEFAULT_LOADER: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    DONT_CONTEXTIFY: constants.DONT_CONTEXTIFY,
  });
  return api;
}

/**
 * The package's own VM options (`createVm(options)`), validated as Node
 * validates its options: `memoryLimit`, bytes the guest's heap may hold.
 */
export function vmOptions(options) {
  if (options === null || typeof options !== 'object') throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "options" argument must be of type object. Received ${describe(options)}`);
  const { memoryLimit } = options;
  if (memoryLimit !== undefined) {
    if (typeof memoryLimit !== 'number') {
      throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "options.memoryLimit" property must be of type number. Received ${describe(memoryLimit)}`);
    }
    if (!Number.isSafeInteger(memoryLimit) || memoryLimit <= 0) {
      throw codedError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "options.memoryLimit" is out of range. It must be a positive integer. Received ${memoryLimit}`);
    }
  }
  return { memoryLimit };
}

/** An error of class `Base` with Node's `code`. */
export function codedError(Base, code, message) {
  const error = new Base(message);
  error.code = code;
  return error;
}

/** What a value is, as Node's ERR_INVALID_ARG_TYPE says it (`Received ...`). */
export function describe(value) {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function') return `function ${value.name}`;
  if (typeof value === 'object') return 'an instance of ' + (value.constructor?.name ?? 'Object');
  return `type ${typeof value} (${typeof value === 'string' ? `'${value}'` : String(value)})`;
}
