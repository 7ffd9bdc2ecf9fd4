// Async host functions through the package: a host function that returns a
// promise (or a thenable) gives the guest a promise it can await, many at
// once; a guest promise reaching the host can be awaited; errors cross
// both ways with name, message and code. Each program also runs under
// node:vm, and the outputs must be equal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nodeVm from 'node:vm';
import vm from 'jsvm';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function lookups() {
  return {
    fetchUser: async (id) => {
      await sleep(150);
      if (id === 0) throw Object.assign(new RangeError('no user 0'), { code: 'ENOENT' });
      return { id, tier: 'gold' };
    },
    price: (sku) => new Promise((resolve) => setTimeout(() => resolve(sku === 'book' ? 20 : 5), 150)),
    // A thenable that is no Promise.
    discount: () => ({ then(resolve) { setTimeout(() => resolve(0.9), 150); } }),
  };
}

const rule = `(async () => {
  const started = Date.now();
  const [user, base, off] = await Promise.all([fetchUser(7), price('book'), discount()]);
  // One after the other would take 450 ms.
  const together = Date.now() - started < 400;
  let missing;
  try { await fetchUser(0); } catch (e) { missing = [e.name, e.message, e.code, e instanceof Error].join('|'); }
  return [user.tier, base * off, missing, together].join(' ');
})()`;

test('a rule awaits host lookups concurrently, as under node:vm', async () => {
  const ours = await vm.runInContext(rule, vm.createContext(lookups()));
  const node = await nodeVm.runInContext(rule, nodeVm.createContext(lookups()));
  assert.equal(ours, node);
  assert.equal(ours, 'gold 18 RangeError|no user 0|ENOENT|false true');
});

test('a guest rejection reaches the host as the thrown value', async () => {
  const program = `(async () => { await later(); const e = new TypeError('guest says no'); e.code = 'E_GUEST'; throw e; })()`;
  const later = () => sleep(5);
  for (const [name, api] of [['jsvm', vm], ['node:vm', nodeVm]]) {
    const ctx = api.createContext({ later });
    await assert.rejects(api.runInContext(program, ctx), (e) => {
      assert.equal(`${e.name}|${e.message}|${e.code}`, 'TypeError|guest says no|E_GUEST', name);
      assert.equal(e instanceof api.runInContext('TypeError', ctx), true, name);
      return true;
    });
  }
});

test('a thousand host calls pending at once', async () => {
  let started = 0;
  const ctx = vm.createContext({ double: (n) => { started++; return sleep(20).then(() => n * 2); } });
  const promise = vm.runInContext('Promise.all(Array.from({ length: 1000 }, (_, i) => double(i))).then((all) => all.reduce((a, b) => a + b, 0))', ctx);
  assert.equal(started, 1000);
  const t = Date.now();
  assert.equal(await promise, 999000);
  assert.ok(Date.now() - t < 5000, `the waits overlapped (${Date.now() - t} ms)`);
});

test('the same host promise is one guest promise until it settles', async () => {
  let resolve;
  const shared = new Promise((r) => { resolve = r; });
  const ctx = vm.createContext({ shared, again: () => shared });
  assert.equal(vm.runInContext('shared === again()', ctx), true);
  const seen = vm.runInContext('shared.then((v) => v + 1)', ctx);
  resolve(41);
  assert.equal(await seen, 42);
});

test("a context's rejection nobody handles after a host await leaves the host and the VM running", async () => {
  const ctx = vm.createContext({ later: () => sleep(5) });
  // The async function's promise is the context's own (a thenable to the
  // host), so the host's unhandled-rejection tracking never sees it.
  vm.runInContext('(async () => { await later(); throw new Error("nobody catches this"); })()', ctx);
  await sleep(30);
  assert.equal(vm.runInContext('6 * 7', ctx), 42);
});

test('a run stopped by its timeout ends the host calls it started', async () => {
  let answered = false;
  const ctx = vm.createContext({ lookup: () => sleep(20).then(() => { answered = true; return 'late answer'; }) });
  assert.throws(
    () => vm.runInContext("var seen = 'pending'; lookup().then((v) => { seen = v; }, (e) => { seen = e.code; }); for (;;) {}", ctx, { timeout: 50 }),
    { code: 'ERR_SCRIPT_EXECUTION_TIMEOUT' },
  );
  await sleep(60);
  assert.equal(answered, true, 'the host promise itself settled');
  assert.equal(vm.runInContext('seen', ctx), 'ERR_SCRIPT_EXECUTION_TIMEOUT', "the guest saw the stop, not the host's late answer");
});
