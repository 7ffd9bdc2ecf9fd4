// The cost of one awaited async host call beside one synchronous host call,
// through the package under Node, side by side in one process (node:vm's
// figures beside them for reference): guest code calls each host function
// N times in a loop, the async one with `await` (its promise already
// settled). Medians of 9 rounds, per call.
//
//   npm run build && node bench/async-calls.mjs

import * as nodeVm from 'node:vm';
import vm from 'jsvm';

const CALLS = 2000;
const ROUNDS = 9;
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

async function measure(api) {
  const ctx = api.createContext({ syncCall: (i) => i, asyncCall: (i) => Promise.resolve(i) });
  const syncLoop = `{ let s = 0; for (let i = 0; i < ${CALLS}; i++) s += syncCall(i); s }`;
  const asyncLoop = `(async () => { let s = 0; for (let i = 0; i < ${CALLS}; i++) s += await asyncCall(i); return s; })()`;
  const sync = [];
  const awaited = [];
  for (let round = 0; round < ROUNDS; round++) {
    let t = performance.now();
    api.runInContext(syncLoop, ctx);
    sync.push(performance.now() - t);
    t = performance.now();
    await api.runInContext(asyncLoop, ctx);
    awaited.push(performance.now() - t);
  }
  const perCall = (ms) => (ms * 1000) / CALLS;
  return { sync: perCall(median(sync)), awaited: perCall(median(awaited)) };
}

const ours = await measure(vm);
const node = await measure(nodeVm);
console.log(`${CALLS} calls a round, medians of ${ROUNDS} rounds, per call (loop body included):`);
console.log('                              jsvm       node:vm');
console.log(`  synchronous host call   ${ours.sync.toFixed(2).padStart(8)} µs ${node.sync.toFixed(2).padStart(8)} µs`);
console.log(`  awaited async host call ${ours.awaited.toFixed(2).padStart(8)} µs ${node.awaited.toFixed(2).padStart(8)} µs`);
console.log(`  ratio                   ${(ours.awaited / ours.sync).toFixed(1).padStart(8)}x  ${(node.awaited / node.sync).toFixed(1).padStart(8)}x`);
