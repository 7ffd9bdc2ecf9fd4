// Headless Chromium for the browser tests: Debian's `chromium` package
// (installed here with apt-get when it is missing and we may), driven by
// puppeteer-core in real time — no downloaded browser, and no
// --virtual-time-budget (it freezes performance.now(), so a timeout under
// it never fires).

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import puppeteer from 'puppeteer-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The path of a Chromium to drive, installing Debian's package if none is found. */
export function chromiumPath() {
  const found = [process.env.JSVM_CHROMIUM, ...CANDIDATES].find((path) => path && existsSync(path));
  if (found !== undefined) return found;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.error('# installing Debian\'s chromium for the browser tests (apt-get)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    // Several test processes may get here at once (the corpus runner runs
    // cases in parallel): one installs, under a lock, and the others wait.
    const install = `test -x ${CANDIDATES[0]} || { apt-get update -qq && apt-get install -y -qq chromium; }`;
    execFileSync('flock', ['/tmp/jsvm-chromium-install.lock', 'sh', '-c', install], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (existsSync(CANDIDATES[0])) return CANDIDATES[0];
  }
  throw new Error('the browser tests need Chromium: install Debian\'s chromium package (apt-get install chromium) or set JSVM_CHROMIUM to a Chromium binary');
}

/** A headless Chromium (close it when done). */
export function launch() {
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Root in a container has no user namespaces for Chromium's sandbox.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

// `node test/browser/chromium.mjs`: makes sure Chromium is there (installing
// it if need be) and prints its path, so that callers with per-case time
// limits (the corpus runner) do not spend them on the install.
if (process.argv[1] && new URL(import.meta.url).pathname === (await import('node:path')).resolve(process.argv[1])) {
  console.log(chromiumPath());
}
