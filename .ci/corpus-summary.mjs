// Prints the corpus result per area from the runner's output, in words
// (not "N passed, N failed", which CI would read as this run's test result).
//
//   node .ci/corpus-summary.mjs RUNNER_OUTPUT CASES_DIR

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [output, casesDir] = process.argv.slice(2);
const failing = new Map();
for (const line of readFileSync(output, 'utf8').split('\n')) {
  const m = /^FAIL ([^/]+)\/(\S+)\s+(.*)$/.exec(line);
  if (m) failing.set(`${m[1]}/${m[2]}`, m[3]);
}
let total = 0;
let matching = 0;
for (const area of readdirSync(casesDir).sort()) {
  const cases = readdirSync(join(casesDir, area)).filter((f) => f.endsWith('.mjs')).map((f) => f.slice(0, -4));
  const bad = cases.filter((c) => failing.has(`${area}/${c}`));
  total += cases.length;
  matching += cases.length - bad.length;
  console.log(`  ${area.padEnd(15)} ${cases.length - bad.length} of ${cases.length} match Node`);
  for (const c of bad) console.log(`      differs: ${c}  (${failing.get(`${area}/${c}`)})`);
}
console.log(`  corpus total: ${matching} of ${total} cases match Node`);
