// Takes js/playground/screenshot.png (the picture in js/README.md): the
// playground after a run of its sample code and a stopped loop.
//
//   node scripts/screenshot.mjs

import { serve } from './serve.mjs';
import { launch } from '../test/browser/chromium.mjs';

const { server, url } = await serve();
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 720 });
  await page.goto(`${url}playground/`);
  await page.waitForSelector('#run:not([disabled])');
  const ranTimes = (n) => page.waitForFunction((n) => document.querySelector('#output').textContent.split('ran in').length > n, {}, n);
  await page.click('#run');
  await ranTimes(1);
  await page.$eval('#code', (e) => { e.value = "// No timeout: Stop ends it, and the context stays.\nfor (let i = 0; ; i++) {}"; });
  await page.click('#run');
  await new Promise((done) => setTimeout(done, 400));
  await page.click('#stop');
  await ranTimes(2);
  await page.screenshot({ path: new URL('../playground/screenshot.png', import.meta.url).pathname });
} finally {
  await browser.close();
  server.close();
}
