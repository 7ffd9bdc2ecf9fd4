// A small static server for the browser build, the playground and the
// browser tests: serves js/ (so /dist/browser/jsvm.js, /playground/) with
// the headers that make a page cross-origin isolated (COOP/COEP), which
// gives it SharedArrayBuffer, and with them a Worker-backed VM whose
// interrupt() keeps its state.
//
//   node scripts/serve.mjs [--port 8080] [--no-isolation]

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
};

/**
 * Serves `root` on `port` (0: any free port). `isolated` adds COOP/COEP.
 * `extra(path)` may answer a path itself (the tests serve a case file).
 * Resolves with the server and its base URL.
 */
export function serve({ root = resolve(fileURLToPath(new URL('..', import.meta.url))), port = 0, isolated = true, extra } = {}) {
  const server = createServer(async (request, response) => {
    const headers = isolated
      ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
      : {};
    try {
      const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
      const own = await extra?.(path);
      if (own !== undefined) {
        response.writeHead(200, { ...headers, 'Content-Type': own.type ?? TYPES[extname(path)] ?? 'text/plain', 'Cache-Control': 'no-store' });
        response.end(own.body);
        return;
      }
      let file = normalize(join(root, path));
      if (file !== root && !file.startsWith(root + sep)) throw Object.assign(new Error('outside'), { status: 403 });
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      response.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
      response.end(body);
    } catch (error) {
      response.writeHead(error.status ?? 404, headers);
      response.end(error.status === 403 ? 'forbidden' : 'not found');
    }
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done({ server, url: `http://127.0.0.1:${server.address().port}/` }));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const port = args.includes('--port') ? Number(args[args.indexOf('--port') + 1]) : 8080;
  const { url } = await serve({ port, isolated: !args.includes('--no-isolation') });
  console.log(`serving js/ at ${url} (the playground: ${url}playground/)`);
}
