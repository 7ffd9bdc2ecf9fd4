// Host-owned objects seen from the guest: a Proxy per host handle (so
// identity holds across crossings) whose operations go to the host. Its
// prototype is one of this realm's own (Function.prototype, Array.prototype
// or Object.prototype, by the object's kind): inherited lookups such as
// `list.push` or `String(obj)` find guest built-ins, never the host's.
// What the host answers for its own properties is its decision (the
// JavaScript host shows own data properties only).

const hostObjects = new Map();

/**
 * A target of the right shape for the proxy: callable for functions (a
 * bound function, which has no `prototype` of its own to keep in sync), an
 * array for arrays (so `Array.isArray` holds), else a plain object.
 */
function hostTarget(kind) {
  if (kind === 'function') return function hostFunction() {}.bind();
  if (kind === 'array') return [];
  return {};
}

function hostObject(id, kind) {
  let proxy = hostObjects.get(id);
  if (proxy !== undefined) return proxy;
  const target = hostTarget(kind);
  const inherited = Object.getPrototypeOf(target);
  /** Keeps the proxy's reports compatible with the target (Proxy invariants). */
  const mirror = (key, desc) => {
    if (desc !== undefined && !desc.configurable && Reflect.getOwnPropertyDescriptor(target, key) === undefined) {
      Reflect.defineProperty(target, key, desc);
    }
    return desc;
  };
  proxy = new Proxy(target, {
    get(_, key, receiver) {
      const desc = native.hostGetOwnProperty(id, key);
      if (desc === undefined) return Reflect.get(inherited, key, receiver);
      return 'value' in desc ? desc.value : desc.get === undefined ? undefined : Reflect.apply(desc.get, receiver, []);
    },
    set: (_, key, value) => native.hostSet(id, key, value),
    has: (_, key) => native.hostHas(id, key) || Reflect.has(inherited, key),
    deleteProperty(_, key) {
      const own = Reflect.getOwnPropertyDescriptor(target, key);
      if (own !== undefined && !own.configurable) return false;
      return native.hostDeleteProperty(id, key);
    },
    ownKeys() {
      const keys = native.hostOwnKeys(id);
      const seen = new Set(keys);
      for (const key of Reflect.ownKeys(target)) {
        const own = Reflect.getOwnPropertyDescriptor(target, key);
        if (!seen.has(key) && !own.configurable) keys.push(key);
      }
      return keys;
    },
    getOwnPropertyDescriptor(_, key) {
      const own = Reflect.getOwnPropertyDescriptor(target, key);
      const desc = mirror(key, native.hostGetOwnProperty(id, key));
      if (desc === undefined && own !== undefined && !own.configurable) return own;
      if (desc !== undefined && own !== undefined && !own.configurable) {
        return 'value' in own && own.writable && 'value' in desc ? { ...own, value: desc.value } : own;
      }
      return desc;
    },
    defineProperty(_, key, desc) {
      if (!native.hostDefineProperty(id, key, desc)) return false;
      mirror(key, native.hostGetOwnProperty(id, key));
      return true;
    },
    apply: (_, thisArg, args) => native.hostCall(id, thisArg, args),
    construct: (_, args) => native.hostConstruct(id, args),
    // The host object's own prototype is never shown; its extensibility is
    // the target's, so the invariants always hold.
    setPrototypeOf: () => false,
    preventExtensions: () => false,
  });
  hostObjects.set(id, proxy);
  return proxy;
}
