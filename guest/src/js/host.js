// Host-owned objects seen from the guest: one Proxy per host handle and
// realm (so identity holds across crossings into the same context) whose
// operations go to the host. Its prototype is the receiving realm's own
// (Function.prototype, Array.prototype or Object.prototype, by the
// object's kind): inherited lookups such as `list.push` or `String(obj)`
// find that context's built-ins, and no walk from a host object (its
// `constructor`, `__proto__`, a property getter, an error it throws) leads
// into another realm. What the host answers for its own properties is its
// decision (the JavaScript host shows own data properties only).

/** The host handle and kind of each host proxy (for crossings back). */
const hostIds = new WeakMap();

/**
 * A target of the right shape for the proxy, under `proto`: callable for
 * functions (a bound function, which has no `prototype` of its own to keep
 * in sync), an array for arrays (so `Array.isArray` holds), else a plain
 * object.
 */
function hostTarget(kind, proto) {
  const target = kind === 'function' ? function hostFunction() {}.bind() : kind === 'array' ? [] : {};
  Object.setPrototypeOf(target, proto);
  return target;
}

/** `[id, kind]` of a host proxy, or undefined. */
function hostObjectId(object) {
  return hostIds.get(object);
}

/**
 * The proxy of host object `id` for the realm `realm` (a realm box), whose
 * built-in `proto` it inherits from. The natives it calls take the realm
 * last: what they make (values, errors) is that realm's.
 */
function hostObject(id, kind, realm, proto) {
  const target = hostTarget(kind, proto);
  const inherited = proto;
  /** Keeps the proxy's reports compatible with the target (Proxy invariants). */
  const mirror = (key, desc) => {
    if (desc !== undefined && !desc.configurable && Reflect.getOwnPropertyDescriptor(target, key) === undefined) {
      Reflect.defineProperty(target, key, desc);
    }
    return desc;
  };
  const proxy = new Proxy(target, {
    get(_, key, receiver) {
      const desc = native.hostGetOwnProperty(id, key, realm);
      if (desc === undefined) return Reflect.get(inherited, key, receiver);
      return 'value' in desc ? desc.value : desc.get === undefined ? undefined : Reflect.apply(desc.get, receiver, []);
    },
    set: (_, key, value) => native.hostSet(id, key, value, realm),
    has: (_, key) => native.hostHas(id, key, realm) || Reflect.has(inherited, key),
    deleteProperty(_, key) {
      const own = Reflect.getOwnPropertyDescriptor(target, key);
      if (own !== undefined && !own.configurable) return false;
      return native.hostDeleteProperty(id, key, realm);
    },
    ownKeys() {
      const keys = native.hostOwnKeys(id, realm);
      const seen = new Set(keys);
      for (const key of Reflect.ownKeys(target)) {
        const own = Reflect.getOwnPropertyDescriptor(target, key);
        if (!seen.has(key) && !own.configurable) keys.push(key);
      }
      return keys;
    },
    getOwnPropertyDescriptor(_, key) {
      const own = Reflect.getOwnPropertyDescriptor(target, key);
      const desc = mirror(key, native.hostGetOwnProperty(id, key, realm));
      if (desc === undefined && own !== undefined && !own.configurable) return own;
      if (desc !== undefined && own !== undefined && !own.configurable) {
        return 'value' in own && own.writable && 'value' in desc ? { ...own, value: desc.value } : own;
      }
      return desc;
    },
    defineProperty(_, key, desc) {
      if (!native.hostDefineProperty(id, key, desc, realm)) return false;
      mirror(key, native.hostGetOwnProperty(id, key, realm));
      return true;
    },
    apply: (_, thisArg, args) => native.hostCall(id, thisArg, args, realm),
    construct: (_, args) => native.hostConstruct(id, args, realm),
    // The host object's own prototype is never shown; its extensibility is
    // the target's, so the invariants always hold.
    setPrototypeOf: () => false,
    preventExtensions: () => false,
  });
  hostIds.set(proxy, [id, kind]);
  return proxy;
}
