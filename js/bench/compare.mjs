// The package beside node:vm and quickjs-emscripten (the sandbox a
// JavaScript user would otherwise pick), measured in one run, each figure
// a median. "import + instantiate" and "first run" are taken in fresh
// processes (a process of their own each, median of 5), as a user meets
// them; the rest in this process.
//
//   cd js && npm run build && node bench/compare.mjs

import { spawnSync } from 'node:child_process';
import * as nodeVm from 'node:vm';

const ROUNDS = 5;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median time of `f` over `n` calls, in ms. */
function time(n, f) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    f();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/** Runs `code` (an ES module printing two numbers) in fresh processes. */
function fresh(code) {
  const samples = [];
  for (let i = 0; i < ROUNDS; i++) {
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: new URL('..', import.meta.url), encoding: 'utf8' });
    if (out.status !== 0) throw new Error(out.stderr);
    samples.push(out.stdout.trim().split(' ').map(Number));
  }
  return [median(samples.map((s) => s[0])), median(samples.map((s) => s[1]))];
}

const FIB = 'function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); } fib(25)';

const jsvmFresh = fresh(`
  const t0 = performance.now();
  const vm = (await import('jsvm')).default;
  const t1 = performance.now();
  vm.runInContext('1 + 1', vm.createContext({}));
  console.log(t1 - t0, performance.now() - t1);`);
const quickFresh = fresh(`
  const t0 = performance.now();
  const { getQuickJS } = await import('quickjs-emscripten');
  const QuickJS = await getQuickJS();
  const t1 = performance.now();
  const ctx = QuickJS.newContext();
  ctx.unwrapResult(ctx.evalCode('1 + 1')).dispose();
  console.log(t1 - t0, performance.now() - t1);`);
const nodeFresh = fresh(`
  const t0 = performance.now();
  const vm = await import('node:vm');
  const t1 = performance.now();
  vm.runInContext('1 + 1', vm.createContext({}));
  console.log(t1 - t0, performance.now() - t1);`);

const { default: vm, createVm } = await import('jsvm');
const { getQuickJS } = await import('quickjs-emscripten');
const QuickJS = await getQuickJS();

const rows = [];
rows.push(['import + instantiate (fresh process)', nodeFresh[0], jsvmFresh[0], quickFresh[0]]);
rows.push(['first run: context + `1 + 1` (fresh process)', nodeFresh[1], jsvmFresh[1], quickFresh[1]]);
rows.push(['a new VM and its first run (createVm / newRuntime)', NaN,
  time(20, () => { const own = createVm(); own.runInContext('1 + 1', own.createContext({})); }),
  time(20, () => { const rt = QuickJS.newRuntime(); const c = rt.newContext(); c.unwrapResult(c.evalCode('1 + 1')).dispose(); c.dispose(); rt.dispose(); })]);
rows.push(['createContext / newContext', time(200, () => nodeVm.createContext({})), time(200, () => vm.createContext({})),
  time(200, () => QuickJS.newContext().dispose())]);
const nodeCtx = nodeVm.createContext({});
const jsvmCtx = vm.createContext({});
const quickCtx = QuickJS.newContext();
rows.push(['trivial run: `1 + 1`', time(2000, () => nodeVm.runInContext('1 + 1', nodeCtx)), time(2000, () => vm.runInContext('1 + 1', jsvmCtx)),
  time(2000, () => quickCtx.unwrapResult(quickCtx.evalCode('1 + 1')).dispose())]);
const nodeObj = nodeVm.runInContext('({ a: 1 })', nodeCtx);
const jsvmObj = vm.runInContext('({ a: 1 })', jsvmCtx);
const quickObj = quickCtx.unwrapResult(quickCtx.evalCode('({ a: 1 })'));
rows.push(['a property read of a guest object', time(5000, () => nodeObj.a), time(5000, () => jsvmObj.a),
  time(5000, () => { const h = quickCtx.getProp(quickObj, 'a'); quickCtx.getNumber(h); h.dispose(); })]);
quickObj.dispose();
rows.push(["fib(25) at a context's top level", time(5, () => nodeVm.runInContext(FIB, nodeCtx)), time(5, () => vm.runInContext(FIB, jsvmCtx)),
  time(5, () => quickCtx.unwrapResult(quickCtx.evalCode(FIB)).dispose())]);
quickCtx.dispose();

const fmt = (ms) => (Number.isNaN(ms) ? '—' : ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(1)} ms`);
console.log(`| figure | node:vm | jsvm (npm) | quickjs-emscripten | jsvm ÷ quickjs |`);
console.log(`|---|---|---|---|---|`);
for (const [label, n, j, q] of rows) console.log(`| ${label} | ${fmt(n)} | ${fmt(j)} | ${fmt(q)} | ${(j / q).toFixed(2)}x |`);
