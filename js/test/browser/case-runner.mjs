// Runs a node:vm program of the shared corpus in a Chromium page, against
// the browser bundle: an import map sends `node:vm` to dist/browser/jsvm.js,
// and the page's console is captured as Node's stdout would show it
// (console.log/info/debug; warn and error are stderr in Node).
//
//   node test/browser/case-runner.mjs /abs/path/case.mjs
//
// prints what the program printed (for the corpus runner's --cmd) and exits
// 1 if the program threw, as `node case.mjs` would.

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';
import { launch } from './chromium.mjs';

const RUNNER = `<!doctype html>
<meta charset="utf-8">
<script type="importmap">{ "imports": { "node:vm": "/dist/browser/jsvm.js" } }</script>
<script type="module">
import { format } from '/test/browser/node-format.js';
const out = [];
const err = [];
for (const level of ['log', 'info', 'debug']) console[level] = (...args) => out.push(format(...args));
for (const level of ['warn', 'error', 'trace']) console[level] = (...args) => err.push(format(...args));
addEventListener('unhandledrejection', (event) => { err.push('Uncaught (in promise) ' + format(event.reason)); window.failed = true; });
addEventListener('error', (event) => { err.push('Uncaught ' + format(event.error)); window.failed = true; });
const turn = () => new Promise((done) => setTimeout(done, 0));
try {
  await import('/case.mjs');
} catch (error) {
  err.push(format(error));
  window.failed = true;
}
// Node exits when nothing is left to run: give timers and promise jobs a
// few turns of the event loop.
for (let i = 0; i < 5; i++) await turn();
window.result = { out, err, failed: Boolean(window.failed) };
</script>`;

/** Runs the program at `casePath` in a fresh page of `browser`; its stdout lines, stderr lines and whether it failed. */
export async function runCase(browser, casePath) {
  const source = await readFile(casePath, 'utf8');
  const { server, url } = await serve({
    isolated: true,
    extra: (path) => (path === '/runner.html' ? { body: RUNNER } : path === '/case.mjs' ? { body: source } : undefined),
  });
  const page = await browser.newPage();
  try {
    await page.goto(`${url}runner.html`);
    await page.waitForFunction('window.result !== undefined', { timeout: 20_000, polling: 20 });
    return await page.evaluate('window.result');
  } finally {
    await page.close();
    server.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const browser = await launch();
  try {
    const { out, err, failed } = await runCase(browser, resolve(process.argv[2]));
    for (const line of out) process.stdout.write(`${line}\n`);
    for (const line of err) process.stderr.write(`${line}\n`);
    process.exitCode = failed ? 1 : 0;
  } finally {
    await browser.close();
  }
}
