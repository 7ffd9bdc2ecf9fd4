// Size and start of the browser build, beside quickjs-emscripten's release
// build, measured in headless Chromium (Debian's, driven in real time):
//
//   npm run build && node bench/browser.mjs [runs]
//
// Sizes: each wasm raw, gzip -9 and brotli (quality 11). Start, per fresh
// page (cache off, served from localhost): from the moment the wasm's last
// byte arrived (the Resource Timing API's responseEnd) to the first answer
// of `1 + 1` in a new context, and from the page's start to it. Medians of
// `runs` pages (default 7), jsvm and quickjs alternating.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { serve } from '../scripts/serve.mjs';
import { launch } from '../test/browser/chromium.mjs';

const runs = Number(process.argv[2] ?? 7);
const root = new URL('..', import.meta.url).pathname;
const quickjsWasm = join(root, 'node_modules/@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.wasm');
const jsvmWasm = join(root, 'dist/browser/jsvm.core.wasm');

function sizes(bytes) {
  const brotli = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24 } });
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli: brotli.length };
}
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

// quickjs-emscripten for the page: its release-sync variant, bundled.
const quickjsDir = await mkdtemp(join(tmpdir(), 'jsvm-bench-quickjs-'));
await build({
  stdin: {
    contents: `import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';
import variant from '@jitl/quickjs-wasmfile-release-sync';
export async function firstAnswer() {
  const QuickJS = await newQuickJSWASMModuleFromVariant(variant);
  const context = QuickJS.newContext();
  const value = context.dump(context.unwrapResult(context.evalCode('1 + 1')));
  context.dispose();
  return value;
}`,
    resolveDir: root,
  },
  bundle: true, format: 'esm', platform: 'browser', outfile: join(quickjsDir, 'quickjs.js'), logLevel: 'warning',
});
await build({ entryPoints: [quickjsWasm], outfile: join(quickjsDir, 'emscripten-module.wasm'), loader: { '.wasm': 'copy' }, logLevel: 'warning' });

const PAGES = {
  '/bench/jsvm.html': `<script type="module">
const start = performance.now();
const { runInNewContext } = await import('/dist/browser/jsvm.js');
const answer = runInNewContext('1 + 1');
const done = performance.now();
const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('jsvm.core.wasm'));
window.result = { answer, fromBytes: done - wasm.responseEnd, fromStart: done - start };
</script>`,
  '/bench/quickjs.html': `<script type="module">
const start = performance.now();
const { firstAnswer } = await import('/quickjs/quickjs.js');
const answer = await firstAnswer();
const done = performance.now();
const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('emscripten-module.wasm'));
window.result = { answer, fromBytes: done - wasm.responseEnd, fromStart: done - start };
</script>`,
};
const { server, url } = await serve({
  extra: async (path) => {
    if (PAGES[path]) return { body: PAGES[path], type: 'text/html' };
    if (path.startsWith('/quickjs/')) return { body: await readFile(join(quickjsDir, path.slice('/quickjs/'.length))) };
    return undefined;
  },
});

const browser = await launch();
const results = { jsvm: [], quickjs: [] };
try {
  for (let i = 0; i < runs; i++) {
    for (const name of ['jsvm', 'quickjs']) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setCacheEnabled(false);
      await page.goto(`${url}bench/${name}.html`);
      await page.waitForFunction('window.result !== undefined', { timeout: 60_000 });
      const result = await page.evaluate('window.result');
      if (result.answer !== 2) throw new Error(`${name} answered ${result.answer}`);
      results[name].push(result);
      await context.close();
    }
  }
} finally {
  await browser.close();
  server.close();
  await rm(quickjsDir, { recursive: true, force: true });
}

const jsvmSize = sizes(await readFile(jsvmWasm));
const quickjsSize = sizes(await readFile(quickjsWasm));
const jsvmJs = sizes(await readFile(join(root, 'dist/browser/jsvm.js')));
console.log(`Chromium, ${runs} fresh pages each (cache off, localhost); medians`);
console.log('| figure | jsvm | quickjs-emscripten (release-sync) |');
console.log('|---|---|---|');
console.log(`| wasm raw | ${kb(jsvmSize.raw)} | ${kb(quickjsSize.raw)} |`);
console.log(`| wasm gzip -9 | ${kb(jsvmSize.gzip)} | ${kb(quickjsSize.gzip)} |`);
console.log(`| wasm brotli 11 | ${kb(jsvmSize.brotli)} | ${kb(quickjsSize.brotli)} |`);
console.log(`| bundle (jsvm.js) raw / gzip / brotli | ${kb(jsvmJs.raw)} / ${kb(jsvmJs.gzip)} / ${kb(jsvmJs.brotli)} | |`);
for (const [label, key] of [['wasm bytes arrived → first answer', 'fromBytes'], ['page start → first answer', 'fromStart']]) {
  console.log(`| ${label} | ${median(results.jsvm.map((r) => r[key])).toFixed(1)} ms | ${median(results.quickjs.map((r) => r[key])).toFixed(1)} ms |`);
}
