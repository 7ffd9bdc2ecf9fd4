// Runs vm-bench.mjs under `node` and under `jsvm run`, one after the
// other in this run, and prints the figures side by side (medians); then
// times a whole process, `jsvm eval '1+1'` beside `node -e '1+1'`.
//   cargo build --release && node bench/vm-bench/compare.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

/**
 * A whole process, 15 times, alternating with the other command: median
 * wall time (ms) and median peak resident memory (MiB; GNU time's %M,
 * when /usr/bin/time is there).
 */
function processes(commands, rounds = 15) {
  const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  const samples = commands.map(() => ({ ms: [], mib: [] }));
  for (let r = 0; r < rounds; r++) {
    commands.forEach(([cmd, ...args], i) => {
      const start = performance.now();
      const out = time ? spawnSync(time, ['-f', '%M', cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' });
      samples[i].ms.push(performance.now() - start);
      if (out.status !== 0 || out.stdout.trim() !== '2') throw new Error(`${cmd}: ${out.stderr}`);
      if (time) samples[i].mib.push(Number(out.stderr.trim().split('\n').pop()) / 1024);
    });
  }
  const median = (xs) => xs.length ? [...xs].sort((a, b) => a - b)[xs.length >> 1] : NaN;
  return samples.map(({ ms, mib }) => ({ ms: median(ms), mib: median(mib) }));
}

const [nodeProcess, jsvmProcess] = processes([[process.execPath, '-p', '1+1'], [jsvm, 'eval', '1+1']]);
console.log(`| whole process, \`node -p 1+1\` / \`jsvm eval 1+1\` ms | ${format(nodeProcess.ms)} | ${format(jsvmProcess.ms)} | ${(jsvmProcess.ms / nodeProcess.ms).toFixed(1)}x |`);
console.log(`| the same, peak memory MiB | ${format(nodeProcess.mib)} | ${format(jsvmProcess.mib)} | ${(jsvmProcess.mib / nodeProcess.mib).toFixed(1)}x |`);
