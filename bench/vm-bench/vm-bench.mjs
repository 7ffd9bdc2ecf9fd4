// node:vm figures as a user's program meets them, the same file run by
// `node` and by `jsvm run` (bench/vm-bench/compare.mjs runs both and
// prints them side by side). Prints one JSON object: label -> figure.
import vm from 'node:vm';

const now = typeof performance === 'object' ? () => performance.now() : () => Date.now();

/** Median time of `f` in ms over `rounds` rounds of `n` calls each, per call. */
function perCall(n, rounds, f) {
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const start = now();
    for (let i = 0; i < n; i++) f(i);
    samples.push((now() - start) / n);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

const fib = 'function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }';
const jsonLoop = "var n = 0; for (var i = 0; i < 20000; i++) { n += JSON.parse(JSON.stringify({ k: 'v' + i, a: [i, i + 1] })).k.length; } n";

const figures = {};
const ctx = vm.createContext({ n: 0 });
figures["runInContext('n += 1') µs"] = perCall(200, 9, () => vm.runInContext('n += 1', ctx)) * 1000;
const script = new vm.Script('n += 1');
figures['script.runInContext µs'] = perCall(1000, 9, () => script.runInContext(ctx)) * 1000;
figures['createContext({ a: 1 }) µs'] = perCall(50, 9, () => vm.createContext({ a: 1 })) * 1000;
figures['fib(25) at a context top level ms'] = perCall(1, 5, () => vm.runInContext(`${fib} fib(25)`, vm.createContext({})));
const contextified = perCall(1, 5, () => vm.runInContext(`${fib} fib(22)`, vm.createContext({})));
const plain = perCall(1, 5, () => vm.runInContext(`${fib} fib(22)`, vm.createContext(vm.constants.DONT_CONTEXTIFY)));
figures['fib(22) contextified / DONT_CONTEXTIFY'] = contextified / plain;
figures['JSON loop at a context top level ms'] = perCall(1, 5, () => vm.runInContext(jsonLoop, vm.createContext({})));
console.log(JSON.stringify(figures));
