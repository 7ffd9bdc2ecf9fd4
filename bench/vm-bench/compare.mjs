// Runs vm-bench.mjs under `node` and under `jsvm run`, one after the
// other in this run, and prints the figures side by side (medians).
//   cargo build --release && node bench/vm-bench/compare.mjs
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const program = fileURLToPath(new URL('vm-bench.mjs', import.meta.url));
const jsvm = fileURLToPath(new URL('../../target/release/jsvm', import.meta.url));
const run = (cmd, args) => JSON.parse(execFileSync(cmd, args, { encoding: 'utf8' }).trim().split('\n').pop());
const node = run(process.execPath, [program]);
const guest = run(jsvm, ['run', program]);
const format = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
console.log('| figure | node:vm | jsvm run | jsvm / node |');
console.log('|---|---|---|---|');
for (const label of Object.keys(node)) {
  console.log(`| ${label} | ${format(node[label])} | ${format(guest[label])} | ${(guest[label] / node[label]).toFixed(1)}x |`);
}
