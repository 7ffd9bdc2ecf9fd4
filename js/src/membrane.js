// The membrane between the host's objects and the guest's: how values
// cross the WIT `value` type in both directions, and what the guest may do
// with host objects (the `jsvm:vm/host` property operations).
//
// Guest objects reach the host as Proxies that forward every operation to
// the guest: one Proxy per guest handle, so identity holds; when the host
// lets a Proxy go, its handle is released.
//
// Host objects reach the guest by handle. The rule of the wall: the guest
// sees a host function as something it can call (no properties), and a
// host object as its own data properties only — never the host's
// prototypes, constructors, accessors or their functions. Writes never run
// host setters. Arguments and results are converted at the wall, so guest
// code runs no host code but the functions the host handed in.

import { errorOfName } from './clone.js';

const WELL_KNOWN = ['asyncIterator', 'hasInstance', 'isConcatSpreadable', 'iterator', 'match', 'matchAll', 'replace',
  'search', 'species', 'split', 'toPrimitive', 'toStringTag', 'unscopables', 'dispose', 'asyncDispose']
  .filter((name) => typeof Symbol[name] === 'symbol');
const wellKnownByName = new Map(WELL_KNOWN.map((name) => [name, Symbol[name]]));
const wellKnownBySymbol = new Map(WELL_KNOWN.map((name) => [Symbol[name], name]));

const UNDEFINED = { tag: 'undefined' };

/** The WIT `byte-kind` of each binary class; its objects cross as copies of their bytes. */
const BYTE_KINDS = new Map([
  ['ArrayBuffer', 'array-buffer'], ['DataView', 'data-view'], ['Int8Array', 'int8-array'],
  ['Uint8Array', 'uint8-array'], ['Uint8ClampedArray', 'uint8-clamped-array'], ['Int16Array', 'int16-array'],
  ['Uint16Array', 'uint16-array'], ['Int32Array', 'int32-array'], ['Uint32Array', 'uint32-array'],
  ['Float32Array', 'float32-array'], ['Float64Array', 'float64-array'], ['BigInt64Array', 'bigint64-array'],
  ['BigUint64Array', 'biguint64-array'],
]);
const BYTE_CLASSES = new Map([...BYTE_KINDS].map(([name, kind]) => [kind, globalThis[name]]));
/** `[[TypedArrayName]]` of a typed array (a Buffer's is `Uint8Array`). */
const typedArrayName = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get;

/** A host ArrayBuffer, DataView or typed array as a WIT `bytes` value; undefined for anything else. */
function bytesToGuest(value) {
  let name;
  if (value instanceof ArrayBuffer) name = 'ArrayBuffer';
  else if (value instanceof DataView) name = 'DataView';
  else if (ArrayBuffer.isView(value)) name = typedArrayName.call(value);
  const kind = BYTE_KINDS.get(name);
  if (kind === undefined) return undefined;
  const data = name === 'ArrayBuffer' ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return { tag: 'bytes', val: { kind, data } };
}

/** A WIT `bytes` value as a new host object of its kind. */
function bytesToHost({ kind, data }) {
  const buffer = data.buffer.byteLength === data.byteLength ? data.buffer : data.slice().buffer;
  const Class = BYTE_CLASSES.get(kind);
  return Class === ArrayBuffer ? buffer : new Class(buffer);
}

/** The error every use of a stale guest object throws. */
export function stateLostError(reason) {
  const error = new Error(`jsvm: the VM's state was lost and rebuilt (${reason}); this object belonged to it`);
  error.code = 'ERR_VM_STATE_LOST';
  return error;
}

/** Host promise handles start here, apart from host object handles. */
const HOST_PROMISES = 2 ** 30;

/** Whether `value` is a host thenable that is not a host Promise or a guest object. */
function isForeignThenable(membrane, value) {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || value instanceof Promise) return false;
  if (membrane.handleOf(value) !== undefined) return false;
  try {
    return typeof value.then === 'function';
  } catch {
    return false;
  }
}

function hostKind(value) {
  if (typeof value === 'function') return 'function';
  if (Array.isArray(value)) return 'array';
  return 'plain';
}

/**
 * An own property of a host object as the guest may see it: a data
 * property, or an accessor whose functions are the guest's own (the guest
 * defined it, e.g. on its contextified global); undefined otherwise.
 */
function ownVisible(membrane, object, key) {
  if (typeof object === 'function') return undefined;
  if (object === globalThis && HOST_GLOBAL_NAMES.has(key)) return undefined;
  const desc = Reflect.getOwnPropertyDescriptor(object, key);
  if (desc === undefined || 'value' in desc) return desc;
  const guestOwned = (f) => f === undefined || membrane.handleOf(f) !== undefined;
  return guestOwned(desc.get) && guestOwned(desc.set) ? desc : undefined;
}

/**
 * The host global's own properties when the package loaded: its built-ins
 * and the platform's (`process`, `fetch`, `setTimeout`...). "This context"
 * is a view of the host's global (`use-host-global`) that shows the global
 * variables the program made since, never these; the guest finds its own
 * built-ins by those names.
 */
const HOST_GLOBAL_NAMES = new Set(Reflect.ownKeys(globalThis));

export class Membrane {
  /** @param {() => object} guest the current guest `vm` exports (changes after a rebuild) */
  constructor(guest) {
    this.guest = guest;
    this.proxies = new Map(); // handle -> WeakRef(proxy)
    this.handles = new WeakMap(); // proxy -> handle
    this.pendingReleases = [];
    this.registry = new FinalizationRegistry((handle) => {
      if (this.proxies.get(handle)?.deref() === undefined) {
        this.proxies.delete(handle);
        this.pendingReleases.push(handle);
      }
    });
    this.hostObjects = []; // host handle -> object
    this.hostIds = new Map(); // object -> host handle
    this.hostPromiseIds = new Map(); // host promise -> host handle, until it settles
    this.nextHostPromise = 0;
    this.startedPromises = undefined; // [promise, handle] crossed during the current guest call
    this.cancelledPromises = new Set(); // handles whose host outcome is ignored
    this.guestSymbols = new Map(); // guest handle -> symbol
    this.guestSymbolHandles = new Map(); // symbol -> guest handle
    this.hostSymbols = []; // host handle -> symbol
    this.hostSymbolIds = new Map();
  }

  /** Releases what the host let go; called before every guest call. */
  flush() {
    if (this.pendingReleases.length > 0) {
      const handles = this.pendingReleases;
      this.pendingReleases = [];
      this.guest().release(new Uint32Array(handles));
    }
  }

  // --- host values into the guest ---

  toGuest(value) {
    switch (typeof value) {
      case 'undefined': return UNDEFINED;
      case 'boolean': return { tag: 'boolean', val: value };
      case 'number': return { tag: 'number', val: value };
      case 'bigint': return { tag: 'bigint', val: value.toString() };
      case 'string': return { tag: 'string', val: value };
      case 'symbol': return this.symbolToGuest(value);
      default: break;
    }
    if (value === null) return { tag: 'null' };
    const handle = this.handles.get(value);
    if (handle !== undefined) return { tag: 'object', val: { handle, kind: 'other' } };
    const bytes = bytesToGuest(value);
    if (bytes !== undefined) return bytes;
    if (value instanceof Promise) return this.promiseToGuest(value);
    let id = this.hostIds.get(value);
    if (id === undefined) {
      id = this.hostObjects.push(value) - 1;
      this.hostIds.set(value, id);
    }
    return { tag: 'host-object', val: { handle: id, kind: hostKind(value) } };
  }

  symbolToGuest(symbol) {
    const name = wellKnownBySymbol.get(symbol);
    if (name !== undefined) return { tag: 'well-known-symbol', val: name };
    const key = Symbol.keyFor(symbol);
    if (key !== undefined) return { tag: 'registered-symbol', val: key };
    const handle = this.guestSymbolHandles.get(symbol);
    if (handle !== undefined) return { tag: 'symbol', val: { handle, description: symbol.description } };
    let id = this.hostSymbolIds.get(symbol);
    if (id === undefined) {
      id = this.hostSymbols.push(symbol) - 1;
      this.hostSymbolIds.set(symbol, id);
    }
    return { tag: 'host-symbol', val: { handle: id, description: symbol.description } };
  }

  // --- guest values into the host ---

  toHost(value) {
    switch (value.tag) {
      case 'undefined': return undefined;
      case 'null': return null;
      case 'boolean': case 'number': case 'string': return value.val;
      case 'bigint': return BigInt(value.val);
      case 'well-known-symbol': return wellKnownByName.get(value.val);
      case 'registered-symbol': return Symbol.for(value.val);
      case 'host-symbol': return this.hostSymbols[value.val.handle];
      case 'host-object': return this.hostObjects[value.val.handle];
      case 'symbol': {
        const { handle, description } = value.val;
        let symbol = this.guestSymbols.get(handle);
        if (symbol !== undefined) {
          this.pendingReleases.push(handle); // this crossing is not needed
          return symbol;
        }
        symbol = Symbol(description);
        this.guestSymbols.set(handle, symbol);
        this.guestSymbolHandles.set(symbol, handle);
        return symbol;
      }
      case 'object': return this.guestObject(value.val.handle, value.val.kind);
      case 'bytes': return bytesToHost(value.val);
      default: throw new TypeError(`jsvm: unknown value ${value.tag}`);
    }
  }

  /**
   * The host face of guest object `handle`, made once while it lives: a
   * Proxy forwarding every operation, except for errors and the node:vm
   * layer's promises. An error becomes a real host Error (so `Object.prototype.toString` and
   * util.inspect see an error) with the guest's prototype, so `instanceof`
   * answers as for an error of another realm, and a copy of its own
   * properties and stack; a promise becomes a host Promise that settles
   * with it. Either crosses back as the guest's own object.
   */
  guestObject(handle, kind) {
    const existing = this.proxies.get(handle)?.deref();
    if (existing !== undefined) {
      this.pendingReleases.push(handle);
      return existing;
    }
    const proxy = new Proxy(proxyTarget(kind), guestHandler(this, handle, kind));
    let face = proxy;
    this.proxies.set(handle, new WeakRef(proxy));
    this.handles.set(proxy, handle);
    if (kind === 'error' || kind === 'vm-error') face = errorFace(proxy);
    // A context's promise stays a Proxy (a thenable, not the host's
    // Promise, as in Node); the node:vm layer's is the host's own.
    if (kind === 'vm-promise') face = new Promise((resolve, reject) => this.subscribe(handle, resolve, reject));
    if (face !== proxy) {
      this.proxies.set(handle, new WeakRef(face));
      this.handles.set(face, handle);
    }
    this.registry.register(face, handle);
    return face;
  }

  /**
   * Calls the guest promise `handle`'s `then` with host callbacks, dropping
   * the promise `then` returns (making a face for it would subscribe again).
   */
  subscribe(handle, resolve, reject) {
    const release = (value) => {
      if (value.tag === 'object' || value.tag === 'symbol') this.pendingReleases.push(value.val.handle);
    };
    this.invoke(() => {
      const then = this.guest().get(handle, { tag: 'string', val: 'then' });
      if (then.tag !== 'object' || then.val.kind !== 'function') {
        release(then);
        throw new TypeError('jsvm: a guest promise without a then method');
      }
      const promise = { tag: 'object', val: { handle, kind: 'promise' } };
      release(this.guest().call(then.val.handle, promise, [this.toGuest(resolve), this.toGuest(reject)]));
      release(then);
    });
  }

  /**
   * A host promise as the guest receives it: a host promise handle (WIT
   * `host-object` of kind `promise`), which the guest sees as a pending
   * promise of its own. When the host promise settles, the guest's settles
   * with it (`settle-host-promise`): a value crosses as any value does, a
   * rejection as a guest error with its name, message and code (or the
   * thrown value itself, for a non-error). The same promise crossing again
   * before it settles is the same guest promise.
   */
  promiseToGuest(promise) {
    let id = this.hostPromiseIds.get(promise);
    if (id === undefined) {
      id = HOST_PROMISES + (this.nextHostPromise++ % HOST_PROMISES);
      this.hostPromiseIds.set(promise, id);
      this.startedPromises?.push([promise, id]);
      promise.then(
        (value) => this.settleHostPromise(promise, id, () => ({ tag: 'ok', val: this.toGuest(value) })),
        (reason) => this.settleHostPromise(promise, id, () => ({ tag: 'err', val: this.errorToGuest(reason) })),
      );
    }
    return { tag: 'host-object', val: { handle: id, kind: 'promise' } };
  }

  /**
   * Settles the guest side of host promise `id`, from the host's microtask
   * queue; the guest's jobs that follow run as the VM's other jobs do. A
   * failure here has no caller to reach: it is reported, never thrown
   * (a VM rebuilt since has no such promise, and says nothing).
   */
  settleHostPromise(promise, id, outcome) {
    if (this.cancelledPromises.delete(id)) return;
    this.hostPromiseIds.delete(promise);
    this.settleInGuest(id, outcome);
  }

  /** `settle-host-promise` of `id` with `outcome()`, its failures reported. */
  settleInGuest(id, outcome) {
    if (this.lost !== undefined) return;
    try {
      this.invoke(() => this.guest().settleHostPromise(id, outcome()));
    } catch (error) {
      if (this.lost === undefined) globalThis.console.error(error);
    }
  }

  /**
   * A function of the guest main realm's `Object` (`isExtensible`,
   * `preventExtensions`) or `Object.prototype` (`prototype.toString`), by
   * handle, fetched once: the operations the WIT has no call for.
   */
  guestFunction(path) {
    this.functions ??= new Map();
    let handle = this.functions.get(path);
    if (handle === undefined) {
      handle = this.invoke(() => {
        let value = this.guest().nodeVm();
        for (const name of ['constructor', ...path.split('.')]) {
          const next = this.guest().get(value.val.handle, { tag: 'string', val: name });
          this.pendingReleases.push(value.val.handle);
          value = next;
        }
        return value.val.handle;
      });
      this.functions.set(path, handle);
    }
    return handle;
  }

  /**
   * Calls `guestFunction(path)` with guest object `handle` (as `this` for
   * a `prototype.` method, else as the argument); the result as a host value.
   */
  callGuestFunction(path, handle) {
    const fn = this.guestFunction(path);
    const object = { tag: 'object', val: { handle, kind: 'other' } };
    const method = path.startsWith('prototype.');
    return this.toHost(this.invoke(() => this.guest().call(fn, method ? object : UNDEFINED, method ? [] : [object])));
  }

  /** The guest handle of a host Proxy of a guest object, if it is one. */
  handleOf(value) {
    return (typeof value === 'object' || typeof value === 'function') && value !== null ? this.handles.get(value) : undefined;
  }

  /**
   * A guest failure as the host throws it: the node:vm layer's own errors
   * (and the main context's) become errors of the host's realm, as Node
   * throws them; what code in a context threw stays that context's value.
   */
  errorToHost(error) {
    const thrown = error.thrown;
    if (thrown.tag === 'object' && thrown.val.kind !== 'vm-error') return this.toHost(thrown);
    if (thrown.tag !== 'object' && thrown.tag !== 'undefined') return this.toHost(thrown);
    if (thrown.tag === 'object') this.pendingReleases.push(thrown.val.handle);
    const host = errorOfName(error.name, error.message, error.stack);
    if (error.code !== undefined) {
      host.code = error.code;
      // As Node's errors: `String(error)` names the code.
      const { code } = error;
      Object.defineProperty(host, 'toString', {
        value() { return `${this.name} [${code}]: ${this.message}`; },
        writable: true,
        configurable: true,
      });
    }
    return host;
  }

  /** A host exception as the guest receives it: never the host's error object. */
  errorToGuest(error) {
    if (this.handleOf(error) !== undefined || !(error instanceof Error)) {
      return { name: 'Error', message: String(error?.message ?? error), stack: '', code: undefined, thrown: this.toGuest(error) };
    }
    const code = typeof error.code === 'string' ? error.code : undefined;
    const name = typeof error.name === 'string' ? error.name : 'Error';
    const message = typeof error.message === 'string' ? error.message : '';
    return { name, message, stack: `${name}: ${message}\n${hostFrames(error)}`, code, thrown: UNDEFINED };
  }

  /**
   * A guest call that a timeout or an interrupt stopped ends what it
   * started: the host promises that first crossed during it reject in the
   * guest with the stop's error (`record`, a js-error), and their host
   * outcomes are ignored when they come.
   */
  cancelStarted(started, record) {
    for (const [promise, id] of started) {
      if (this.hostPromiseIds.get(promise) !== id) continue;
      this.hostPromiseIds.delete(promise);
      this.cancelledPromises.add(id);
      const error = { name: record.name, message: record.message, stack: record.stack, code: record.code, thrown: UNDEFINED };
      queueMicrotask(() => this.settleInGuest(id, () => ({ tag: 'err', val: error })));
    }
  }

  // --- the `jsvm:vm/host` property operations on host objects ---

  hostImports() {
    const object = (id) => {
      if (id >= this.hostObjects.length) {
        throw { name: 'ReferenceError', message: `jsvm: host object ${id} does not exist`, stack: '', code: undefined, thrown: UNDEFINED };
      }
      return this.hostObjects[id];
    };
    const key = (k) => this.toHost(k);
    const guard = (f) => (...args) => {
      try {
        return f(...args);
      } catch (error) {
        if (error !== null && typeof error === 'object' && 'thrown' in error && 'name' in error) throw error;
        throw this.errorToGuest(error);
      }
    };
    return {
      call: guard((id, thisArg, args) => {
        const target = object(id);
        if (typeof target !== 'function') throw new TypeError('jsvm: a host object is not a function');
        const result = Reflect.apply(target, this.toHost(thisArg), args.map((a) => this.toHost(a)));
        // An async host function's promise (or thenable) is one the guest can await.
        return this.toGuest(isForeignThenable(this, result) ? Promise.resolve(result) : result);
      }),
      construct: guard((id, args) => {
        const target = object(id);
        if (typeof target !== 'function') throw new TypeError('jsvm: a host object is not a constructor');
        return this.toGuest(Reflect.construct(target, args.map((a) => this.toHost(a))));
      }),
      get: guard((id, k) => {
        const desc = ownVisible(this, object(id), key(k));
        return desc === undefined || !('value' in desc) ? UNDEFINED : this.toGuest(desc.value);
      }),
      getOwnProperty: guard((id, k) => {
        const desc = ownVisible(this, object(id), key(k));
        if (desc === undefined) return undefined;
        const { enumerable, configurable } = desc;
        if (!('value' in desc)) return { getter: this.toGuest(desc.get), setter: this.toGuest(desc.set), enumerable, configurable };
        return { value: this.toGuest(desc.value), writable: desc.writable, enumerable, configurable };
      }),
      set: guard((id, k, v) => {
        const target = object(id);
        if (typeof target === 'function') return false;
        const name = key(k);
        if (target === globalThis && HOST_GLOBAL_NAMES.has(name)) return false;
        const own = Reflect.getOwnPropertyDescriptor(target, name);
        if (own === undefined) {
          return Reflect.defineProperty(target, name, { value: this.toHost(v), writable: true, enumerable: true, configurable: true });
        }
        if (!('value' in own) || !own.writable) return false;
        return Reflect.defineProperty(target, name, { value: this.toHost(v) });
      }),
      has: guard((id, k) => ownVisible(this, object(id), key(k)) !== undefined),
      deleteProperty: guard((id, k) => {
        const target = object(id);
        if (target === globalThis && HOST_GLOBAL_NAMES.has(key(k))) return true; // not in the view
        return typeof target !== 'function' && Reflect.deleteProperty(target, key(k));
      }),
      ownKeys: guard((id) => {
        const target = object(id);
        if (typeof target === 'function') return [];
        return Reflect.ownKeys(target).filter((k) => ownVisible(this, target, k) !== undefined).map((k) => this.toGuest(k));
      }),
      defineProperty: guard((id, k, desc) => {
        const target = object(id);
        if (typeof target === 'function' || (target === globalThis && HOST_GLOBAL_NAMES.has(key(k)))) return false;
        const hostDesc = {};
        if (desc.value !== undefined) hostDesc.value = this.toHost(desc.value);
        // An accessor the guest defines has the guest's functions (host
        // code reading it runs guest code, never the other way round).
        if (desc.getter !== undefined) hostDesc.get = this.toHost(desc.getter);
        if (desc.setter !== undefined) hostDesc.set = this.toHost(desc.setter);
        for (const f of [hostDesc.get, hostDesc.set]) {
          if (f !== undefined && this.handleOf(f) === undefined) return false;
        }
        for (const flag of ['writable', 'enumerable', 'configurable']) if (desc[flag] !== undefined) hostDesc[flag] = desc[flag];
        return Reflect.defineProperty(target, key(k), hostDesc);
      }),
    };
  }
}

/**
 * The engine's own `stack` accessor, where errors have one (Chromium's V8
 * makes `stack` an own accessor; Node 20's, a data property): the one
 * getter `hostFrames` may run, since it is the engine's and not the host's.
 */
const ENGINE_STACK_GETTER = Reflect.getOwnPropertyDescriptor(new Error(), 'stack')?.get;

/** Where the package's own code lives: frames from here on are the boundary, not the host's. */
const PACKAGE_SOURCE = new URL('.', import.meta.url).href;

/**
 * The frames of a host error's stack above the boundary: the host function
 * that threw and what it called, as Node's one stack would show them over
 * the guest's frames. A string is read only from an own data property (no
 * host getter runs on the guest's behalf beyond V8's own stack).
 */
function hostFrames(error) {
  const desc = Reflect.getOwnPropertyDescriptor(error, 'stack');
  let stack = desc !== undefined && 'value' in desc && typeof desc.value === 'string' ? desc.value : '';
  if (desc?.get !== undefined && desc.get === ENGINE_STACK_GETTER) stack = String(Reflect.apply(desc.get, error, []));
  const frames = [];
  for (const line of stack.split('\n').slice(1)) {
    if (!/^\s+at /.test(line)) continue;
    if (line.includes(PACKAGE_SOURCE) || /^\s+at Reflect\.(apply|construct) /.test(line)) break;
    frames.push(line);
  }
  return frames.join('\n');
}

/** A host Error standing for the guest error behind `proxy` (see `guestObject`). */
function errorFace(proxy) {
  const error = new Error();
  for (const key of Reflect.ownKeys(proxy)) {
    const desc = Reflect.getOwnPropertyDescriptor(proxy, key);
    if (desc !== undefined && 'value' in desc) Reflect.defineProperty(error, key, { ...desc, configurable: true });
  }
  let stack;
  try { stack = proxy.stack; } catch { stack = undefined; }
  Object.defineProperty(error, 'stack', { value: stack, writable: true, configurable: true, enumerable: false });
  // V8's Object.prototype.toString gives up ("[object Object]") when its
  // lookup of @@toStringTag meets a Proxy on the prototype chain; an own
  // answer (the guest's) stops the lookup first.
  let tag;
  try { tag = proxy[Symbol.toStringTag]; } catch { tag = undefined; }
  Object.defineProperty(error, Symbol.toStringTag, { value: tag, writable: true, configurable: true, enumerable: false });
  Object.setPrototypeOf(error, Reflect.getPrototypeOf(proxy));
  return error;
}

/**
 * A target of the right shape for a guest object's Proxy: callable and
 * constructible for functions (a bound function: no own `prototype` to
 * keep in sync), an array for arrays (`Array.isArray` holds), else a plain
 * object.
 */
function proxyTarget(kind) {
  if (kind === 'function') return function guestFunction() {}.bind();
  if (kind === 'array') return [];
  return {};
}

/** The traps of a guest object's Proxy: each operation is one guest call. */
function guestHandler(membrane, handle, kind) {
  const g = () => membrane.guest();
  const call = (f) => membrane.invoke(f);
  const key = (k) => membrane.toGuest(k);
  const mirror = (target, k, desc) => {
    if (desc !== undefined && !desc.configurable && Reflect.getOwnPropertyDescriptor(target, k) === undefined) {
      Reflect.defineProperty(target, k, desc);
    }
    return desc;
  };
  const descToHost = (desc) => {
    if (desc === undefined) return undefined;
    const out = {};
    if (desc.value !== undefined) out.value = membrane.toHost(desc.value);
    if (desc.getter !== undefined) out.get = membrane.toHost(desc.getter);
    if (desc.setter !== undefined) out.set = membrane.toHost(desc.setter);
    for (const flag of ['writable', 'enumerable', 'configurable']) if (desc[flag] !== undefined) out[flag] = desc[flag];
    if ('get' in out || 'set' in out) {
      out.get ??= undefined;
      out.set ??= undefined;
    } else {
      out.value ??= undefined;
    }
    return out;
  };
  const descToGuest = (desc) => {
    const out = {};
    if ('value' in desc) out.value = membrane.toGuest(desc.value);
    if ('get' in desc) out.getter = membrane.toGuest(desc.get);
    if ('set' in desc) out.setter = membrane.toGuest(desc.set);
    for (const flag of ['writable', 'enumerable', 'configurable']) if (flag in desc) out[flag] = Boolean(desc[flag]);
    return out;
  };
  /**
   * Makes the target's own property `k` what the guest's is (a Proxy
   * whose target is not extensible must report exactly the target's).
   */
  const sync = (target, k) => {
    const desc = descToHost(call(() => g().getOwnProperty(handle, key(k))));
    const own = Reflect.getOwnPropertyDescriptor(target, k);
    if (desc === undefined) {
      if (own !== undefined && own.configurable) Reflect.deleteProperty(target, k);
    } else if (own === undefined || own.configurable || ('value' in own && own.writable)) {
      Reflect.defineProperty(target, k, desc);
    }
  };
  /** Once the guest object is not extensible: the target holds its properties and is not either. */
  const seal = (target) => {
    if (!Reflect.isExtensible(target)) return;
    for (const k of call(() => g().ownKeys(handle)).map((k) => membrane.toHost(k))) sync(target, k);
    Reflect.setPrototypeOf(target, membrane.toHost(call(() => g().getPrototypeOf(handle))));
    Reflect.preventExtensions(target);
  };
  return {
    get(target, k) {
      const value = membrane.toHost(call(() => g().get(handle, key(k))));
      // V8 tags a Proxy "[object Object]" unless its @@toStringTag says
      // otherwise; a guest RegExp, Date... says what it is.
      if (k === Symbol.toStringTag && value === undefined && kind !== 'error' && kind !== 'vm-error') {
        const tag = /^\[object (.*)\]$/.exec(membrane.callGuestFunction('prototype.toString', handle))?.[1];
        return tag === 'Object' ? undefined : tag;
      }
      return value;
    },
    set: (_, k, v) => call(() => g().set(handle, key(k), membrane.toGuest(v))),
    has(target, k) {
      const found = call(() => g().has(handle, key(k)));
      if (!found && !Reflect.isExtensible(target)) sync(target, k);
      return found;
    },
    deleteProperty(target, k) {
      const deleted = call(() => g().deleteProperty(handle, key(k)));
      if (deleted && !Reflect.isExtensible(target)) sync(target, k);
      return deleted;
    },
    ownKeys(target) {
      const keys = call(() => g().ownKeys(handle)).map((k) => membrane.toHost(k));
      if (!Reflect.isExtensible(target)) {
        for (const k of Reflect.ownKeys(target)) if (!keys.includes(k)) sync(target, k);
        return Reflect.ownKeys(target);
      }
      const seen = new Set(keys);
      for (const k of Reflect.ownKeys(target)) {
        if (!seen.has(k) && !Reflect.getOwnPropertyDescriptor(target, k).configurable) keys.push(k);
      }
      return keys;
    },
    getOwnPropertyDescriptor(target, k) {
      if (!Reflect.isExtensible(target)) {
        sync(target, k);
        return Reflect.getOwnPropertyDescriptor(target, k);
      }
      const desc = descToHost(call(() => g().getOwnProperty(handle, key(k))));
      const own = Reflect.getOwnPropertyDescriptor(target, k);
      if (own !== undefined && !own.configurable) {
        if (desc === undefined) return own;
        return 'value' in own && own.writable && 'value' in desc ? { ...own, value: desc.value } : own;
      }
      return mirror(target, k, desc);
    },
    defineProperty(target, k, desc) {
      if (!call(() => g().defineProperty(handle, key(k), descToGuest(desc)))) return false;
      if (desc.configurable === false || !Reflect.isExtensible(target)) sync(target, k);
      return true;
    },
    getPrototypeOf: () => membrane.toHost(call(() => g().getPrototypeOf(handle))),
    setPrototypeOf: () => false,
    isExtensible(target) {
      if (!Reflect.isExtensible(target)) return false;
      if (membrane.callGuestFunction('isExtensible', handle)) return true;
      seal(target);
      return false;
    },
    preventExtensions(target) {
      try {
        membrane.callGuestFunction('preventExtensions', handle);
      } catch {
        return false; // the guest refused (a contextified global, a Proxy)
      }
      seal(target);
      return true;
    },
    apply: (_, thisArg, args) => membrane.toHost(call(() => g().call(handle, membrane.toGuest(thisArg), args.map((a) => membrane.toGuest(a))))),
    construct: (_, args) => membrane.toHost(call(() => g().construct(handle, args.map((a) => membrane.toGuest(a))))),
  };
}
