// Live values both ways, as a node:vm user relies on them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import vm, { createVm } from 'jsvm';

test('the context object is live both ways and createContext returns it', () => {
  const sb = { n: 1, list: [] };
  assert.equal(vm.createContext(sb), sb);
  vm.runInContext('n += 1; list.push(globalThis.n); var v = 5', sb);
  assert.equal(sb.n, 2);
  assert.deepEqual(sb.list, [2]);
  assert.equal(sb.v, 5);
  sb.fromHost = 'h';
  assert.equal(vm.runInContext('fromHost + n', sb), 'h2');
});

test('functions are called both ways, and a host function may read the guest objects it gets', () => {
  const seen = [];
  const sb = vm.createContext({ report: (o) => { seen.push(o.name, o.items.length, o.items[1]); return o.items.length * 2; } });
  assert.equal(vm.runInContext('report({ name: "x", items: [1, 2, 3] })', sb), 6);
  assert.deepEqual(seen, ['x', 3, 2]);
  const add = vm.runInContext('(a, b) => a + b', sb);
  assert.equal(typeof add, 'function');
  assert.equal(add(2, 3), 5);
  const Point = vm.runInContext('(class Point { constructor(x) { this.x = x; } })', sb);
  assert.equal(new Point(4).x, 4);
});

test('identity holds in both directions', () => {
  const sb = vm.createContext({ host: { k: 1 } });
  const a = vm.runInContext('globalThis.o = { deep: {} }; o', sb);
  assert.equal(vm.runInContext('o', sb), a);
  assert.equal(a.deep, vm.runInContext('o.deep', sb));
  assert.equal(vm.runInContext('host', sb), sb.host);
  sb.back = a;
  assert.equal(vm.runInContext('back === o', sb), true);
});

test('symbols cross with identity, and well-known symbols are the same on both sides', () => {
  const key = Symbol('hostKey');
  const sb = vm.createContext({ key, list: [1, 2, 3] });
  vm.runInContext('globalThis[key] = "by symbol"; globalThis.guestSym = Symbol("g")', sb);
  assert.equal(sb[key], 'by symbol');
  assert.equal(typeof sb.guestSym, 'symbol');
  assert.equal(vm.runInContext('guestSym', sb), sb.guestSym);
  assert.equal(vm.runInContext('let s = 0; for (const x of list) s += x; s', sb), 6);
  const iterable = vm.runInContext('({ *[Symbol.iterator]() { yield 1; yield 2; } })', sb);
  assert.deepEqual([...iterable], [1, 2]);
});

test('errors carry name, message, code and each realm\'s instanceof', () => {
  assert.throws(() => vm.createContext(1), (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_TYPE');
  const ctx = vm.createContext({});
  let caught;
  try { vm.runInContext('throw new RangeError("inside")', ctx); } catch (e) { caught = e; }
  assert.equal(caught.name, 'RangeError');
  assert.equal(caught.message, 'inside');
  assert.equal(caught instanceof RangeError, false);
  assert.equal(caught instanceof vm.runInContext('RangeError', ctx), true);
  const sb = vm.createContext({ fail() { const e = new Error('from host'); e.code = 'E_HOST'; throw e; } });
  assert.equal(vm.runInContext('try { fail() } catch (e) { [e.name, e.message, e.code].join(" ") }', sb), 'Error from host E_HOST');
});

test('a 50 ms timeout stops for(;;){} and the context keeps its state', () => {
  const ctx = vm.createContext({ n: 0 });
  const start = performance.now();
  assert.throws(() => vm.runInContext('n = 1; for (;;) {}', ctx, { timeout: 50 }),
    (e) => e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT' && e.message === 'Script execution timed out after 50ms');
  const took = performance.now() - start;
  assert.ok(took >= 40 && took < 500, `took ${took} ms`);
  assert.equal(vm.runInContext('n + 1', ctx), 2);
});

test("a context's promises are thenables, the node:vm layer's are host promises, and host promises can be awaited in the guest", async () => {
  const ctx = vm.createContext({ later: Promise.resolve(41) });
  const p = vm.runInContext('(async () => (await later) + 1)()', ctx);
  // As in Node: a promise of the context's realm is not the host's Promise.
  assert.equal(p instanceof Promise, false);
  assert.equal(p instanceof vm.runInContext('Promise', ctx), true);
  assert.equal(await p, 42);
  const failed = vm.runInContext('Promise.reject(new TypeError("no"))', ctx);
  await assert.rejects(failed, (e) => e.name === 'TypeError' && e.message === 'no' && !(e instanceof TypeError));
  // Promises of "this context" and of the node:vm layer are the host's own.
  assert.ok(vm.runInThisContext('Promise.resolve(1)') instanceof Promise);
  assert.ok(vm.measureMemory() instanceof Promise);
});

test('binary objects cross as copies of their bytes, of the same kind', () => {
  const ctx = vm.createContext({ bytes: new Uint8Array([1, 2, 3]), floats: new Float64Array([0.5]), raw: new Uint16Array([1, 2]).buffer });
  // Of the guest's realm, not the context's (as a host object in Node's sandbox is not the context's).
  const tag = (name) => `Object.prototype.toString.call(${name}).slice(8, -1)`;
  assert.equal(vm.runInContext(`${tag('bytes')} + bytes.join()`, ctx), 'Uint8Array1,2,3');
  assert.equal(vm.runInContext(`${tag('floats')} + floats[0]`, ctx), 'Float64Array0.5');
  assert.equal(vm.runInContext(`${tag('raw')} + new Uint16Array(raw)[1]`, ctx), 'ArrayBuffer2');
  const made = vm.runInContext('new Int32Array([-1, 7]).subarray(1)', ctx);
  assert.ok(made instanceof Int32Array);
  assert.deepEqual([...made], [7]);
  const view = vm.runInContext('const v = new DataView(new ArrayBuffer(4)); v.setUint8(3, 9); v', ctx);
  assert.ok(view instanceof DataView);
  assert.equal(view.getUint8(3), 9);
  // A copy: writes on one side are not seen on the other.
  vm.runInContext('bytes[0] = 100', ctx);
  assert.equal(vm.runInContext('bytes[0]', ctx), 1);
  assert.equal(Buffer.isBuffer(ctx.bytes), false);
});

test('"this context" is a view of the host global: its variables, never its built-ins or platform globals', () => {
  globalThis.jsvmTestCounter = 1;
  assert.equal(vm.runInThisContext('jsvmTestCounter += 1'), 2);
  assert.equal(globalThis.jsvmTestCounter, 2);
  vm.runInThisContext('var jsvmDeclared = "d"; jsvmAssigned = "a"');
  assert.equal(globalThis.jsvmAssigned, 'a');
  assert.equal(globalThis.jsvmDeclared, 'd');
  assert.equal(vm.runInThisContext('globalThis'), globalThis);
  assert.equal(vm.runInThisContext('typeof process + typeof setTimeout + typeof fetch + typeof Buffer'), 'undefinedundefinedundefinedundefined');
  assert.equal(vm.runInThisContext('Object === globalThis.Object && Object !== this.constructor'), true);
  assert.notEqual(vm.runInThisContext('Object'), Object);
  vm.runInThisContext('setTimeout = 1; globalThis.process = 2');
  assert.equal(typeof setTimeout, 'function');
  assert.equal(typeof process, 'object');
  assert.throws(() => vm.runInThisContext('null.x'), TypeError);
  delete globalThis.jsvmTestCounter;
  delete globalThis.jsvmAssigned;
});

test('createVm({ memoryLimit }) ends an allocation loop with ERR_VM_MEMORY_LIMIT, and the VM keeps its contexts', () => {
  const own = createVm({ memoryLimit: 32 * 1024 * 1024 });
  const ctx = own.createContext({ kept: 1 });
  own.runInContext('var before = "still here"', ctx);
  // The chunks are the run's own (a function's local): stopping it frees them.
  assert.throws(() => own.runInContext('(() => { const chunks = []; for (;;) chunks.push(new Uint8Array(65536)); })()', ctx), (e) => {
    assert.equal(e.code, 'ERR_VM_MEMORY_LIMIT');
    assert.match(e.message, /memory limit \(33554432 bytes\)/);
    assert.ok(e instanceof Error);
    return true;
  });
  assert.equal(own.runInContext('before + " " + (kept + 1)', ctx), 'still here 2');
  // A separate guest: the default VM's contexts are not its.
  assert.equal(own.isContext(vm.createContext({})), false);
  assert.throws(() => createVm({ memoryLimit: 0 }), { code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => createVm({ memoryLimit: '1' }), { code: 'ERR_INVALID_ARG_TYPE' });
});
