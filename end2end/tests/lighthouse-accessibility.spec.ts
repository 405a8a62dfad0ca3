import { chromium, expect } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chooseElderMode, freshPhone, register, test } from './support';

// Lighthouse's accessibility audit (axe and its own checks) of the pages a resident opens first,
// standard and 长辈版, on a phone-sized screen in the Debian Chromium. (Its performance audit is
// a measurement: `cargo xtask lighthouse`.)
const PORT = Number(process.env.ANJU_E2E_LIGHTHOUSE_PORT ?? 9333);

test('Lighthouse scores accessibility 100 on the home page, the eligibility check and the complaint form, in both modes', async ({ baseURL }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'Lighthouse emulates the phone itself: one run');
  test.setTimeout(300_000);
  // Lighthouse opens its own tabs: a browser on a port, whose one profile the account signs in to.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-lighthouse-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', `--remote-debugging-port=${PORT}`],
    baseURL,
    locale: 'zh-CN',
    viewport: { width: 390, height: 844 },
  });
  try {
    const page = context.pages()[0] ?? await context.newPage();
    await register(page, freshPhone());
    const { default: lighthouse } = await import('lighthouse');
    const results = [];
    for (const elder of [false, true]) {
      if (elder) await chooseElderMode(page);
      for (const route of ['/', '/retrofit/check', '/complaints/new']) {
        const run = await lighthouse(`${baseURL}${route}`, {
          port: PORT,
          onlyCategories: ['accessibility'],
          output: 'json',
          logLevel: 'error',
          // Keep the signed-in session and the 长辈版 choice.
          disableStorageReset: true,
          formFactor: 'mobile',
          screenEmulation: { mobile: true, width: 390, height: 844, deviceScaleFactor: 2, disabled: false },
        });
        const failed = Object.values(run!.lhr.audits)
          .filter(a => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
          .map(a => a.id);
        // The app had rendered when audited: its text was checked for contrast, its buttons
        // and links for names.
        const applied = ['color-contrast', 'button-name', 'link-name'].filter(id => run!.lhr.audits[id].scoreDisplayMode === 'binary');
        results.push({ route, elder, score: run!.lhr.categories.accessibility.score, failed, applied });
      }
    }
    expect(results).toEqual(results.map(r => ({ ...r, score: 1, failed: [], applied: ['color-contrast', 'button-name', 'link-name'] })));
  } finally {
    await context.close();
  }
});
