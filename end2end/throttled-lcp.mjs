// The page's own Largest Contentful Paint (the browser's `largest-contentful-paint` entries, as a
// phone reports them to the web) under real throttling in Chromium: Lighthouse's mobile
// conditions (150 ms round trip, 1.6 Mbit/s down, 4x CPU slowdown) applied by the DevTools
// protocol, not simulated afterwards. Run by `cargo xtask lighthouse` beside Lighthouse, whose
// simulated LCP follows the trace's candidates: it drops a candidate whose element is removed,
// so it cannot see a page painted before the app replaces it (the home page's heading).
//
// usage: node throttled-lcp.mjs BASE_URL RUNS PATH[=COOKIE] ...  (prints one JSON line per path)
import { chromium } from 'playwright';

const [base, runs, ...pages] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH });
for (const page of pages) {
  // The cookie itself holds `=`: the path ends at the first one.
  const eq = page.indexOf('=');
  const [path, cookie] = eq < 0 ? [page, ''] : [page.slice(0, eq), page.slice(eq + 1)];
  const lcp = [];
  let element = '';
  for (let i = 0; i < Number(runs); i++) {
    const context = await browser.newContext({
      viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true,
      extraHTTPHeaders: cookie ? { cookie } : {},
    });
    const tab = await context.newPage();
    const cdp = await context.newCDPSession(tab);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 150, downloadThroughput: (1.6e6 * 0.9) / 8, uploadThroughput: (750e3 * 0.9) / 8,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await tab.goto(base + path);
    // The app has drawn the page (its frame is there and the loading message gone), then a
    // moment for any later, larger paint.
    await tab.waitForFunction(() => !document.getElementById('loading') && document.querySelector('#main h1'), null, { timeout: 60000 });
    await tab.waitForTimeout(1000);
    const last = await tab.evaluate(() => new Promise(resolve => {
      new PerformanceObserver(list => {
        const entries = list.getEntries();
        const e = entries[entries.length - 1];
        resolve({ at: e.startTime, element: e.element ? e.element.tagName.toLowerCase() + (e.element.className ? '.' + e.element.className.split(' ')[0] : '') : '(replaced by the app)' });
      }).observe({ type: 'largest-contentful-paint', buffered: true });
    }));
    lcp.push(Math.round(last.at));
    element = last.element;
    await context.close();
  }
  lcp.sort((a, b) => a - b);
  console.log(JSON.stringify({ path, median_ms: lcp[Math.floor(lcp.length / 2)], runs: lcp, element }));
}
await browser.close();
