// The dashboard under demo load, in real headless Chromium (Debian's /usr/bin/chromium driven
// by playwright-core), and `promtool check metrics` on /metrics taken during the same run.
// Usage: node dashboard.test.mjs [--screenshot PATH] [--settle SECONDS].
// Prints "N passed, N failed" last.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const port = 18000 + Math.floor(Math.random() * 1000);
const base = `http://127.0.0.1:${port}`;
const shotArg = process.argv.indexOf('--screenshot');
const screenshotPath = shotArg > 0 ? resolve(process.argv[shotArg + 1]) : join(root, 'target', 'dashboard.png');
const settleArg = process.argv.indexOf('--settle');
const settleMs = settleArg > 0 ? Number(process.argv[settleArg + 1]) * 1000 : 0;
const results = [];

function check(name, ok, detail = '') {
  results.push({ name, ok });
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ': ' + detail : ''}`);
}

async function waitFor(fn, timeoutMs, what) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch { /* not up yet */ }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

const db = join(mkdtempSync(join(tmpdir(), 'skelly-browser-')), 'events.db');
const demo = spawn(join(root, 'launcher', 'storage'),
  ['demo', '--seconds', '40', '--rate', '1500', '--http-port', String(port), '--db', db],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
let demoOut = '';
demo.stdout.on('data', d => { demoOut += d; });

let browser;
try {
  await waitFor(async () => (await fetch(`${base}/ready`)).status === 200, 120_000, '/ready');
  check('module ready under demo load', true);

  // promtool on the live scrape (after a few seconds of load so every meter exists)
  await new Promise(r => setTimeout(r, 4000));
  const metrics = await (await fetch(`${base}/metrics`)).text();
  const promtool = spawnSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
  if (promtool.error) {
    check('promtool check metrics', false, 'promtool not installed (Debian package prometheus)');
  } else {
    check('promtool check metrics', promtool.status === 0, (promtool.stdout + promtool.stderr).trim());
  }

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1240, height: 900 } });
  const external = [];
  page.on('request', r => { if (!r.url().startsWith(base)) external.push(r.url()); });
  await page.goto(`${base}/`);
  await page.waitForFunction(() => Number(document.getElementById('eps').textContent) > 0,
    null, { timeout: 30_000 });
  const eps = Number(await page.textContent('#eps'));
  check('events-per-second figure above zero', eps > 0, String(eps));
  await page.waitForFunction(() => Number(document.getElementById('chart-eps').dataset.points) >= 3,
    null, { timeout: 30_000 });
  for (const id of ['chart-eps', 'chart-wl', 'chart-shots', 'chart-db', 'chart-minutes']) {
    const points = Number(await page.getAttribute(`#${id}`, 'data-points'));
    check(`chart ${id} has data points`, points > 0, String(points));
  }
  const badge = await page.textContent('#ready');
  check('page shows the module ready', badge === 'ready', badge);
  check('page loads nothing from outside the module', external.length === 0, external.join(' '));
  if (settleMs > 0) await page.waitForTimeout(settleMs); // fuller charts for the docs picture
  await page.screenshot({ path: screenshotPath, fullPage: true });
  console.log(`screenshot: ${screenshotPath}`);
} catch (e) {
  check('dashboard under load', false, e.message);
} finally {
  if (browser) await browser.close();
  demo.kill('SIGTERM');
  await new Promise(r => demo.on('exit', r));
}

const failed = results.filter(r => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
