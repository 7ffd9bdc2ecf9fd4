// The browser build in real headless Chromium (Debian's, driven by
// puppeteer-core in real time): the bundle from a plain module script, the
// synchronous API on the page, the Worker-backed VM with and without
// cross-origin isolation, and the shared corpus's node:vm programs run in
// a page. The page serves dist/browser/ as `npm run playground` does.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from '../scripts/serve.mjs';
import { launch } from './browser/chromium.mjs';
import { runCase } from './browser/case-runner.mjs';

const PAGE = `<!doctype html><meta charset="utf-8"><title>jsvm test</title>
<script type="module">
import * as jsvm from '/dist/browser/jsvm.js';
window.jsvm = jsvm;
window.ready = true;
</script>`;

let browser;
const servers = {};

before(async () => {
  browser = await launch();
  for (const isolated of [true, false]) {
    servers[isolated] = await serve({ isolated, extra: (path) => (path === '/test.html' ? { body: PAGE } : undefined) });
  }
});

after(async () => {
  await browser?.close();
  for (const { server } of Object.values(servers)) server.close();
});

/** A fresh page with the bundle imported as `window.jsvm`; its console lines are collected. */
async function page({ isolated = true } = {}) {
  const p = await browser.newPage();
  p.lines = [];
  p.on('console', (message) => p.lines.push(message.text()));
  await p.goto(`${servers[isolated].url}test.html`);
  await p.waitForFunction('window.ready === true', { timeout: 30_000 });
  return p;
}

test('the bundle loads from a plain module script and runs node:vm code on the page', async () => {
  const p = await page();
  const result = await p.evaluate(() => {
    const { default: vm, createContext, runInContext } = window.jsvm;
    const context = createContext({ a: 20 });
    return {
      sum: vm.runInNewContext('1 + 1'),
      read: runInContext('a + 22', context),
      isolated: crossOriginIsolated,
      code: (() => { try { vm.runInContext('1', {}); } catch (e) { return e.code; } })(),
    };
  });
  assert.deepEqual(result, { sum: 2, read: 42, isolated: true, code: 'ERR_INVALID_ARG_TYPE' });
  await p.close();
});

test('a script prints to the page console, and a Worker VM hands its console lines to the page', async () => {
  const p = await page();
  const workerLines = await p.evaluate(async () => {
    window.jsvm.runInThisContext('console.log("hello from the guest", 1 + 1, [1, 2], { a: "b" })');
    const lines = [];
    const vm = await window.jsvm.createWorkerVm({ console: (level, text) => lines.push(`${level}: ${text}`) });
    await vm.runInContext('console.log("in the worker", { n: 1 }); console.error("an error line")', await vm.createContext({}));
    await vm.runInNewContext('console.log("a new context")');
    await vm.runInContext('console.log("not printed")', await vm.createContext({}, { console: false }));
    vm.terminate();
    return lines;
  });
  assert.ok(p.lines.includes("hello from the guest 2 [ 1, 2 ] { a: 'b' }"), p.lines.join('\n'));
  assert.deepEqual(workerLines, ['log: in the worker { n: 1 }', 'error: an error line', 'log: a new context']);
  await p.close();
});

test('a live context object round-trips between the page and the guest', async () => {
  const p = await page();
  const result = await p.evaluate(() => {
    const { createContext, runInContext } = window.jsvm;
    const sandbox = { n: 1, list: [], nested: { deep: { x: 1 } } };
    const same = createContext(sandbox) === sandbox;
    runInContext('n += 1; list.push(n); var v = 5; nested.deep.x = "changed"; globalThis.made = { from: "guest" }', sandbox);
    sandbox.n = 10;
    const seen = runInContext('n + ":" + typeof made', sandbox);
    return { same, n: sandbox.n, list: [...sandbox.list], v: sandbox.v, x: sandbox.nested.deep.x, made: sandbox.made.from, seen };
  });
  assert.deepEqual(result, { same: true, n: 10, list: [2], v: 5, x: 'changed', made: 'guest', seen: '10:object' });
  await p.close();
});

test('for (;;) {} with timeout 100 ends with ERR_SCRIPT_EXECUTION_TIMEOUT, on the page and in a Worker, and the context answers after', async () => {
  const p = await page();
  const result = await p.evaluate(async () => {
    const { createContext, runInContext, createWorkerVm } = window.jsvm;
    const outcome = {};
    const sandbox = createContext({ kept: 'yes' });
    let start = performance.now();
    try { runInContext('for (;;) {}', sandbox, { timeout: 100 }); } catch (e) { outcome.page = [e.code, e.message]; }
    outcome.pageMs = performance.now() - start;
    outcome.pageAfter = runInContext('kept', sandbox);
    const vm = await createWorkerVm();
    const ctx = await vm.createContext({ kept: 'still' });
    start = performance.now();
    try { await vm.runInContext('for (;;) {}', ctx, { timeout: 100 }); } catch (e) { outcome.worker = [e.code, e.message, e instanceof Error]; }
    outcome.workerMs = performance.now() - start;
    outcome.workerAfter = await vm.runInContext('kept', ctx);
    vm.terminate();
    return outcome;
  });
  assert.deepEqual(result.page, ['ERR_SCRIPT_EXECUTION_TIMEOUT', 'Script execution timed out after 100ms']);
  assert.deepEqual(result.worker, ['ERR_SCRIPT_EXECUTION_TIMEOUT', 'Script execution timed out after 100ms', true]);
  assert.equal(result.pageAfter, 'yes');
  assert.equal(result.workerAfter, 'still');
  for (const ms of [result.pageMs, result.workerMs]) assert.ok(ms >= 100 && ms < 2000, `stopped after ${ms} ms`);
  await p.close();
});

test('while a Worker VM runs a loop the page keeps running its timers, and interrupt() on an isolated page keeps the contexts', async () => {
  const p = await page();
  const result = await p.evaluate(async () => {
    const vm = await window.jsvm.createWorkerVm();
    const ctx = await vm.createContext({ n: 0 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const running = vm.runInContext('n = 1; for (;;) {}', ctx);
    await new Promise((done) => setTimeout(done, 300));
    const ticksWhileRunning = ticks;
    vm.interrupt();
    let code;
    try { await running; } catch (e) { code = e.code; }
    clearInterval(timer);
    const after = await vm.runInContext('n + 1', ctx);
    const keeps = vm.interruptKeepsState;
    vm.terminate();
    return { ticksWhileRunning, code, after, keeps };
  });
  assert.ok(result.ticksWhileRunning >= 10, `the page's timer ran ${result.ticksWhileRunning} times in 300 ms`);
  assert.deepEqual({ ...result, ticksWhileRunning: 0 }, { ticksWhileRunning: 0, code: 'ERR_SCRIPT_EXECUTION_INTERRUPTED', after: 2, keeps: true });
  await p.close();
});

test('without cross-origin isolation, interrupt() terminates the Worker, says the state was lost, and the next call gets a fresh VM', async () => {
  const p = await page({ isolated: false });
  const result = await p.evaluate(async () => {
    const vm = await window.jsvm.createWorkerVm();
    const ctx = await vm.createContext({ n: 1 });
    const running = vm.runInContext('for (;;) {}', ctx);
    await new Promise((done) => setTimeout(done, 200));
    vm.interrupt();
    const outcome = { isolated: crossOriginIsolated, keeps: vm.interruptKeepsState };
    try { await running; } catch (e) { outcome.running = e.code; }
    try { await vm.runInContext('n', ctx); } catch (e) { outcome.oldContext = e.code; }
    outcome.fresh = await vm.runInContext('n * 7', await vm.createContext({ n: 6 }));
    vm.terminate();
    return outcome;
  });
  assert.deepEqual(result, { isolated: false, keeps: false, running: 'ERR_VM_STATE_LOST', oldContext: 'ERR_VM_STATE_LOST', fresh: 42 });
  await p.close();
});

test('bad input in a Worker VM never reaches the page: memory bombs, throws of any value, junk arguments', async () => {
  const p = await page();
  const result = await p.evaluate(async () => {
    const vm = await window.jsvm.createWorkerVm({ memoryLimit: 32 * 1024 * 1024 });
    const ctx = await vm.createContext({});
    const outcome = {};
    const code = async (source, options) => {
      try { return ['value', await vm.runInContext(source, ctx, options)]; } catch (e) { return [e?.name, e?.code ?? String(e), e?.message]; }
    };
    outcome.bomb = await code('const a = []; for (;;) a.push(new Array(1e5).fill(1))');
    outcome.after = await code('1 + 1');
    outcome.typeError = await code('null.x');
    outcome.coded = await code('const e = new RangeError("custom"); e.code = "E_MINE"; throw e');
    outcome.thrownString = await vm.runInContext('throw "just a string"', ctx).catch((e) => [typeof e, e]);
    outcome.syntax = await code('let let = 1');
    outcome.junkOptions = await code('1', { timeout: -5 });
    const [fn, arrow, sym, big, map, date] = await vm.runInContext('[function named() {}, () => 1, Symbol("s"), 10n, new Map([[1, { a: 2 }]]), new Date(0)]', ctx);
    // What page.evaluate can hand back (JSON-like values).
    outcome.results = [fn, arrow, sym, typeof big === 'bigint' && String(big), map instanceof Map && map.get(1).a, date instanceof Date && date.getTime()];
    outcome.promise = await vm.runInContext('Promise.resolve(41).then((n) => n + 1)', ctx);
    try { await vm.runInContext('1', { not: 'a context' }); } catch (e) { outcome.notContext = e.code; }
    vm.terminate();
    return outcome;
  });
  assert.equal(result.bomb[1], 'ERR_VM_MEMORY_LIMIT');
  assert.deepEqual(result.after, ['value', 2]);
  assert.equal(result.typeError[0], 'TypeError');
  assert.deepEqual(result.coded, ['RangeError', 'E_MINE', 'custom']);
  assert.deepEqual(result.thrownString, ['string', 'just a string']);
  assert.equal(result.syntax[0], 'SyntaxError');
  assert.deepEqual(result.junkOptions.slice(0, 2), ['RangeError', 'ERR_OUT_OF_RANGE']);
  assert.deepEqual(result.results, ['[Function: named]', '[Function (anonymous)]', 'Symbol(s)', '10', 2, 0]);
  assert.equal(result.promise, 42);
  assert.equal(result.notContext, 'ERR_INVALID_ARG_TYPE');
  await p.close();
});

test('the playground: Run shows output and the time it took; Stop ends a loop that has no timeout while the page keeps responding', async () => {
  const p = await browser.newPage();
  await p.goto(`${servers[true].url}playground/`);
  await p.waitForSelector('#run:not([disabled])', { timeout: 30_000 });
  const output = () => p.$eval('#output', (e) => e.textContent);
  await p.click('#run');
  await p.waitForFunction(() => document.querySelector('#output').textContent.includes('ran in'), { timeout: 10_000 });
  const first = await output();
  assert.match(first, /squares \[ 1, 4, 9 \]/);
  assert.match(first, /← "hello, 14"/);
  assert.match(first, /ran in \d+\.\d ms/);
  assert.match(await p.$eval('#state', (e) => e.textContent), /"visits": 1/);

  await p.$eval('#code', (e) => { e.value = 'for (;;) {}'; });
  await p.click('#clear');
  await p.click('#run');
  await new Promise((done) => setTimeout(done, 300));
  // The page still answers: a click clears the output, a timer fires.
  await p.$eval('#output', (e) => e.append('marker'));
  await p.click('#clear');
  assert.equal(await output(), '');
  assert.equal(await p.evaluate(() => new Promise((done) => setTimeout(() => done('timer ran'), 20))), 'timer ran');
  assert.equal(await p.$eval('#stop', (e) => e.disabled), false);
  await p.click('#stop');
  await p.waitForFunction(() => document.querySelector('#output').textContent.includes('ran in'), { timeout: 5_000 });
  assert.match(await output(), /ERR_SCRIPT_EXECUTION_INTERRUPTED/);

  // The context survived the stop.
  await p.$eval('#code', (e) => { e.value = 'visits'; });
  await p.click('#clear');
  await p.click('#run');
  await p.waitForFunction(() => document.querySelector('#output').textContent.includes('ran in'), { timeout: 10_000 });
  assert.match(await output(), /← 1/);
  await p.close();
});

const CORPUS = fileURLToPath(new URL('../../../shared/conformance/cases/', import.meta.url));
const AREAS = ['context', 'script', 'function', 'errors', 'interop'];

test('the shared corpus\'s context, script, function, errors and interop programs, run in a page, print what Node prints (≥ 90%)', { skip: !existsSync(CORPUS) && 'the shared corpus is not beside the repository' }, async () => {
  const misses = [];
  let total = 0;
  for (const area of AREAS) {
    for (const file of readdirSync(`${CORPUS}${area}`).filter((f) => f.endsWith('.mjs')).sort()) {
      total++;
      const path = `${CORPUS}${area}/${file}`;
      const { out } = await runCase(browser, path);
      const expected = readFileSync(path.replace(/\.mjs$/, '.out'), 'utf8');
      const actual = out.map((line) => `${line}\n`).join('');
      if (actual !== expected) misses.push(`${area}/${file}`);
    }
  }
  const passed = total - misses.length;
  console.log(`# browser corpus: ${passed} of ${total} match Node; misses: ${misses.join(', ') || 'none'}`);
  assert.ok(passed >= Math.ceil(total * 0.9), `${passed} of ${total} (misses: ${misses.join(', ')})`);
});
