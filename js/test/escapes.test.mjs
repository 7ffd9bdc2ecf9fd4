// The membrane is the sandbox's wall: constructor walks from everything a
// host can hand in reach nothing of the host under jsvm, while the same
// program under node:vm reaches `process` through every one of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nodeVm from 'node:vm';
import vm from 'jsvm';

class Account {
  constructor() { this.balance = 1; }
  deposit() { return this.balance; }
}

function handIns() {
  const account = new Account();
  return {
    fn: () => 1,
    plain: { a: 1 },
    array: [1, 2],
    instance: account,
    method: account.deposit,
    error: new Error('host error'),
    promise: Promise.resolve(1),
    date: new Date(0),
    map: new Map([[1, 2]]),
    thenable: { then(resolve) { resolve(1); } },
    withToJSON: { toJSON() { return 'j'; } },
    withToPrimitive: { [Symbol.toPrimitive]() { return 1; } },
    withGetter: { get secret() { return process; } },
    thrower() { throw new TypeError('host'); },
  };
}

/** Guest code: every walk, from every hand-in, as 'escaped' or 'no'. */
const WALKS = `(() => {
  const reached = (r) => r !== null && (typeof r === 'object' || typeof r === 'function') && typeof r.pid === 'number';
  const attempt = (f) => { try { return reached(f()) ? 'escaped' : 'no'; } catch { return 'no'; } };
  const walks = {
    constructor: (x) => x.constructor.constructor('return process')(),
    proto: (x) => Object.getPrototypeOf(x).constructor.constructor('return process')(),
    dunderProto: (x) => x.__proto__.constructor.constructor('return process')(),
    lookupGetter: (x) => x.__lookupGetter__('__proto__').call(x).constructor.constructor('return process')(),
    method: (x) => x.toString.constructor('return process')(),
    call: (x) => x.call.constructor('return process')(),
  };
  const out = {};
  for (const name of Object.keys(handIns)) {
    for (const [walk, f] of Object.entries(walks)) out[name + '.' + walk] = attempt(() => f(handIns[name]));
  }
  out['withGetter.secret'] = attempt(() => handIns.withGetter.secret);
  out['thrower.caught'] = attempt(() => { try { handIns.thrower(); } catch (e) { return e.constructor.constructor('return process')(); } });
  out['sandbox.this'] = attempt(() => this.constructor.constructor('return process')());
  out['thenable.await'] = 'no';
  return JSON.stringify(out);
})()`;

test('no constructor walk from a host value reaches the host under jsvm', () => {
  const sb = vm.createContext({ handIns: handIns() });
  const results = JSON.parse(vm.runInContext(WALKS, sb));
  const escaped = Object.entries(results).filter(([, r]) => r !== 'no');
  assert.deepEqual(escaped, []);
  assert.ok(Object.keys(results).length >= 80);
});

test('the same walks reach process under node:vm (so the test can fail)', () => {
  const sb = nodeVm.createContext({ handIns: handIns() });
  const results = JSON.parse(nodeVm.runInContext(WALKS, sb));
  for (const name of ['fn', 'plain', 'array', 'instance', 'method', 'error', 'promise', 'date', 'map']) {
    assert.equal(results[`${name}.constructor`], 'escaped', name);
  }
  assert.equal(results['withGetter.secret'], 'escaped');
});

test('converting values runs no guest code on the host side and no host code in the guest', () => {
  let hostCalls = 0;
  const sb = vm.createContext({ handIns: handIns(), count: () => ++hostCalls });
  // A guest getter and toJSON on an object the host receives are not run by
  // the crossing itself.
  const o = vm.runInContext('({ get g() { count(); return 1; }, toJSON() { count(); return 2; } })', sb);
  assert.equal(hostCalls, 0);
  assert.equal(o.g, 1);
  assert.equal(hostCalls, 1);
  // Host getters are not shown to the guest at all.
  assert.equal(vm.runInContext('typeof handIns.withGetter.secret', sb), 'undefined');
});

test('"this context" (a view of the host global) reaches nothing of the host either', () => {
  globalThis.jsvmHandIns = handIns();
  try {
    const results = JSON.parse(vm.runInThisContext(WALKS.replaceAll('handIns', 'jsvmHandIns')));
    const escaped = Object.entries(results).filter(([, r]) => r !== 'no');
    assert.deepEqual(escaped, []);
    assert.ok(Object.keys(results).length >= 80);
    // The host's own globals are not in the view, so walks from them find nothing.
    assert.equal(vm.runInThisContext('typeof process + typeof require + typeof globalThis.process'), 'undefinedundefinedundefined');
    assert.equal(vm.runInThisContext('this.constructor.constructor("return typeof process")()'), 'undefined');
    // The same program under node:vm's "this context" reaches it.
    assert.equal(nodeVm.runInThisContext('this.constructor.constructor("return typeof process")()'), 'object');
  } finally {
    delete globalThis.jsvmHandIns;
  }
});
