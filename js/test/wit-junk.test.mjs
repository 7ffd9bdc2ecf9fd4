// Junk handed straight to the component's WIT exports, as any component
// host could hand it (issue #9): handles that name nothing, values of the
// wrong shape, symbols and BigInts that do not parse. Each call must end in
// a `js-error` result (jco throws it with a `payload`), never in a trap:
// a trap would poison the instance, and the checks after each call run in
// the same instance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { GuestInstance } from '../src/instance.js';
import { nodeVmApi } from '../src/vm.js';

const base = new URL('../dist/component/', import.meta.url);
const names = JSON.parse(await readFile(new URL('core-modules.json', base), 'utf8'));
const compiled = new Map(await Promise.all(names.map(async (name) => [name, await WebAssembly.compile(await readFile(new URL(name, base)))])));

const instance = new GuestInstance((name) => compiled.get(name));
const wit = instance.exports;
const vm = nodeVmApi(instance);
const ctx = vm.createContext({ kept: 41 });

const str = (val) => ({ tag: 'string', val });
const object = (handle, kind = 'plain') => ({ tag: 'object', val: { handle, kind } });
const NOWHERE = 0xfffffff0;

/** Calls `f` and returns the js-error record it failed with. */
function jsErrorOf(f, what) {
  let thrown;
  try {
    f();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown !== undefined, `${what}: no error`);
  assert.ok(!(thrown instanceof WebAssembly.RuntimeError), `${what}: trapped: ${thrown}`);
  const record = thrown?.payload ?? thrown;
  assert.equal(typeof record?.message, 'string', `${what}: not a js-error record: ${thrown}`);
  return record;
}

function assertStillAnswers(after) {
  assert.equal(vm.runInContext('kept + 1', ctx), 42, `after ${after}`);
}

test('operations on handles that name nothing end in errors', () => {
  const cases = {
    get: () => wit.get(NOWHERE, str('x')),
    set: () => wit.set(NOWHERE, str('x'), { tag: 'number', val: 1 }),
    has: () => wit.has(NOWHERE, str('x')),
    deleteProperty: () => wit.deleteProperty(NOWHERE, str('x')),
    ownKeys: () => wit.ownKeys(NOWHERE),
    getOwnProperty: () => wit.getOwnProperty(NOWHERE, str('x')),
    defineProperty: () => wit.defineProperty(NOWHERE, str('x'), { value: { tag: 'null' } }),
    getPrototypeOf: () => wit.getPrototypeOf(NOWHERE),
    keys: () => wit.keys(NOWHERE),
    call: () => wit.call(NOWHERE, { tag: 'undefined' }, []),
    construct: () => wit.construct(NOWHERE, []),
    toDisplayString: () => wit.toDisplayString(object(NOWHERE)),
    evaluateModule: () => wit.evaluateModule(object(NOWHERE)),
    linkModule: () => wit.linkModule(object(NOWHERE), []),
    useHostGlobal: () => wit.useHostGlobal({ tag: 'number', val: 1 }),
  };
  for (const [name, f] of Object.entries(cases)) {
    const error = jsErrorOf(f, name);
    assert.match(`${error.name}: ${error.message}`, /Error/, name);
    assertStillAnswers(name);
  }
  // A value that names nothing is not a context; releasing unknown
  // handles, or one twice, does nothing.
  assert.equal(wit.isContext(object(NOWHERE)), false);
  wit.release([NOWHERE, NOWHERE, 0, 1, 2]);
  wit.release([NOWHERE]);
  assertStillAnswers('release');
});

test('values of the wrong shape end in errors', () => {
  const target = vm.runInContext('globalThis.target = { a: 1 }; target', ctx);
  assert.equal(target.a, 1);
  // A real handle, found through the membrane's own crossing.
  const handle = instance.membrane.handleOf(target);
  const typeOf = vm.runInContext('(x) => typeof x', ctx);
  const typeOfHandle = instance.membrane.handleOf(typeOf);
  assert.equal(typeof handle, 'number');
  assert.equal(typeof typeOfHandle, 'number');
  const undef = { tag: 'undefined' };
  assert.deepEqual(wit.call(typeOfHandle, undef, [{ tag: 'bigint', val: '12' }]), str('bigint'));
  const cases = {
    'BigInt digits that do not parse': () => wit.call(typeOfHandle, undef, [{ tag: 'bigint', val: '12x' }]),
    'a fractional BigInt': () => wit.call(typeOfHandle, undef, [{ tag: 'bigint', val: '1.5' }]),
    'a well-known symbol that does not exist': () => wit.get(NOWHERE, { tag: 'well-known-symbol', val: 'nope' }),
    'a guest symbol that does not exist': () => wit.get(NOWHERE, { tag: 'symbol', val: { handle: NOWHERE, description: 'x' } }),
    'a function handle that is a plain object': () => wit.call(handle, undef, []),
    'construct on a plain object': () => wit.construct(handle, []),
    'construct on an arrow function': () => wit.construct(typeOfHandle, []),
  };
  for (const [name, f] of Object.entries(cases)) {
    jsErrorOf(f, name);
    assertStillAnswers(name);
  }
  // The same junk where the target exists: the value is refused, the
  // object keeps its property.
  jsErrorOf(() => wit.set(handle, str('a'), { tag: 'bigint', val: 'not digits' }), 'set a junk BigInt');
  jsErrorOf(() => wit.get(handle, { tag: 'well-known-symbol', val: 'nope' }), 'a junk symbol key');
  assert.equal(target.a, 1);
  assertStillAnswers('wrong shapes');
});

test('keys with NUL and of 1 MB cross whole; a lone surrogate cannot cross and is not aliased', () => {
  const sb = vm.createContext({});
  for (const key of ['a\0b', 'x'.repeat(1 << 20)]) {
    sb[key] = 1;
    assert.equal(vm.runInContext('Object.keys(globalThis).length', sb), 1);
    assert.equal(vm.runInContext(`globalThis[${JSON.stringify(key)}]`, sb), 1);
    delete sb[key];
  }
  // WIT strings are Unicode scalar values: '\ud800' would arrive as
  // U+FFFD, a different key, so the guest does not see it at all.
  sb['\ud800'] = 1;
  assert.equal(vm.runInContext('Object.keys(globalThis).length', sb), 0);
  assert.equal(vm.runInContext('globalThis["\\ufffd"]', sb), undefined);
  assertStillAnswers('odd strings');
});
