// Smoke test of the jco-transpiled component from Node: the component
// evaluates `1 + 1`, runs a vm context, and reports a thrown error with its
// name and code. Exits non-zero on any mismatch.

import assert from 'node:assert/strict';
import { vm } from '../dist/jsvm.js';
import { setModuleSource } from '../src/host.js';

const two = vm.runMain({ source: '1 + 1', filename: 'smoke.js', id: undefined, module: false });
assert.deepEqual(two, { tag: 'number', val: 2 });

const context = vm.Context.create(undefined, {
  allowStrings: true,
  allowWasm: true,
  microtaskMode: 'default',
});
const result = context.run('globalThis.seen = typeof console; 6 * 7', undefined, {
  timeoutMs: undefined,
  breakOnSigint: false,
  displayErrors: true,
});
assert.deepEqual(result, { tag: 'number', val: 42 });

try {
  context.run('null.x', undefined, { breakOnSigint: false, displayErrors: false });
  assert.fail('expected a TypeError');
} catch (e) {
  const error = e.payload ?? e;
  assert.equal(error.name, 'TypeError');
}

try {
  vm.Context.create({ tag: 'number', val: 5 }, { allowStrings: true, allowWasm: true, microtaskMode: 'default' });
  assert.fail('expected ERR_INVALID_ARG_TYPE');
} catch (e) {
  const error = e.payload ?? e;
  assert.equal(error.code, 'ERR_INVALID_ARG_TYPE');
}

const started = performance.now();
try {
  context.run('for (;;) {}', undefined, { timeoutMs: 50, breakOnSigint: false, displayErrors: true });
  assert.fail('expected a timeout');
} catch (e) {
  const error = e.payload ?? e;
  assert.equal(error.code, 'ERR_SCRIPT_EXECUTION_TIMEOUT');
  assert.equal(error.message, 'Script execution timed out after 50ms');
}
const took = performance.now() - started;
assert.ok(took >= 50 && took < 1000, `timeout took ${took} ms`);
// As in Node, a context has V8's console, which prints nothing.
assert.deepEqual(context.run('seen', undefined, { breakOnSigint: false, displayErrors: true }), { tag: 'string', val: 'object' });

// The default loader reads through the JS host's `setModuleSource`.
const files = { '/main.mjs': "import { base } from './lib/base.mjs'; export const answer = base * 2;", '/lib/base.mjs': 'export const base = 21;' };
setModuleSource((id) => files[id]);
const namespace = vm.importModule('main.mjs');
assert.equal(namespace.tag, 'object');
assert.deepEqual(vm.get(namespace.val.handle, 'answer'), { tag: 'number', val: 42 });
try {
  vm.importModule('../outside.mjs');
  assert.fail('expected ERR_ACCESS_DENIED');
} catch (e) {
  assert.equal((e.payload ?? e).code, 'ERR_ACCESS_DENIED');
}

console.log('jco smoke: 1 + 1 = 2; context run = 42; errors carry name and code; a 50 ms timeout stops a loop and the context survives; modules load through the JS host');
