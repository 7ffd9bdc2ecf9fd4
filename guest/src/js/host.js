// Host-owned objects seen from the guest: a callable Proxy whose property
// reads, writes and calls go to the host. One proxy per host handle, so
// identity holds across crossings.

const hostObjects = new Map();

function hostObject(id) {
  let proxy = hostObjects.get(id);
  if (proxy === undefined) {
    proxy = new Proxy(function hostFunction() {}, {
      get: (target, key) => (typeof key === 'string' ? native.hostGet(id, key) : undefined),
      set: (target, key, value) => typeof key === 'string' && native.hostSet(id, key, value),
      apply: (target, thisArg, args) => native.hostCall(id, thisArg, args),
    });
    hostObjects.set(id, proxy);
  }
  return proxy;
}
