// The contextified global: a Proxy over the realm's real global (which
// holds the built-ins) whose traps forward to the context object ("the
// sandbox"), as Node's named-property interceptors do
// (src/node_contextify.cc). Lookups try the sandbox first, then the
// built-ins; writes, definitions and deletions go to the sandbox.
//
// `get` and `has`, run on every global lookup, are replaced by native
// versions of the same rules (guest/src/contextify.rs).
//
// Proxy invariants: top-level `var`/function declarations define
// non-configurable properties; they are mirrored onto the target so the
// proxy may report them, and every report about a non-configurable target
// property stays compatible with it.

function isReadOnly(desc) {
  return desc !== undefined && (('value' in desc && desc.writable === false) || ('get' in desc && desc.set === undefined));
}

/**
 * The descriptor the engine defines for a global `var` or function
 * declaration (CreateGlobalVarBinding / CreateGlobalFunctionBinding).
 */
function isDeclaration(desc) {
  return 'value' in desc && desc.writable === true && desc.enumerable === true && desc.configurable === false;
}

/** Finds a property along an object's prototype chain (GetRealNamedProperty). */
function findDescriptor(object, key) {
  for (let o = object; o !== null; o = Reflect.getPrototypeOf(o)) {
    const desc = Reflect.getOwnPropertyDescriptor(o, key);
    if (desc !== undefined) return desc;
  }
  return undefined;
}

/** A descriptor for `key` the proxy may report, given the target's own one. */
function compatibleDescriptor(targetDesc, sandboxDesc) {
  if (targetDesc === undefined || targetDesc.configurable) return sandboxDesc ?? targetDesc;
  if ('value' in targetDesc && targetDesc.writable && sandboxDesc !== undefined && 'value' in sandboxDesc) {
    return { value: sandboxDesc.value, writable: true, enumerable: targetDesc.enumerable, configurable: false };
  }
  return targetDesc;
}

/** The JavaScript traps of `sandbox`'s global (`get`/`has` are native). */
function contextifyHandler(sandbox) {
  return {
    set(target, key, value) {
      const own = Reflect.getOwnPropertyDescriptor(target, key);
      if (isReadOnly(own)) return false;
      if (isReadOnly(findDescriptor(sandbox, key))) return false;
      if (!Reflect.set(sandbox, key, value)) return false;
      // A declared global keeps its value on the global too, as in Node:
      // deleting it from the sandbox leaves the binding with that value.
      if (own !== undefined && !own.configurable && 'value' in own) Reflect.defineProperty(target, key, { value });
      return true;
    },
    // Node's deleter deletes from the sandbox first; only when that worked
    // does the deletion go on to the global itself, where a `var` binding
    // (non-configurable) still makes `delete` return false.
    deleteProperty(target, key) {
      if (!Reflect.deleteProperty(sandbox, key)) return false;
      return Reflect.deleteProperty(target, key);
    },
    defineProperty(target, key, desc) {
      if (isReadOnly(Reflect.getOwnPropertyDescriptor(target, key))) return false;
      if (desc.configurable === false && !Reflect.defineProperty(target, key, desc)) return false;
      if (isDeclaration(desc)) {
        // A top-level `var`/function declaration. In Node it reaches the
        // sandbox as an assignment would: a configurable property, and
        // none at all for a `var` without a value yet.
        if (desc.value === undefined) return true;
        return Reflect.defineProperty(sandbox, key, { ...desc, configurable: true });
      }
      return Reflect.defineProperty(sandbox, key, desc);
    },
    getOwnPropertyDescriptor(target, key) {
      const sandboxDesc = Reflect.getOwnPropertyDescriptor(sandbox, key);
      if (sandboxDesc !== undefined && !sandboxDesc.configurable
        && Reflect.getOwnPropertyDescriptor(target, key) === undefined) {
        Reflect.defineProperty(target, key, sandboxDesc);
      }
      return compatibleDescriptor(Reflect.getOwnPropertyDescriptor(target, key), sandboxDesc);
    },
    ownKeys(target) {
      const keys = Reflect.ownKeys(sandbox);
      const seen = new Set(keys);
      for (const key of Reflect.ownKeys(target)) {
        if (!seen.has(key)) keys.push(key);
      }
      return keys;
    },
    preventExtensions() {
      // Node's contextified global cannot be frozen or sealed.
      return false;
    },
  };
}
