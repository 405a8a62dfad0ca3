import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';

// The real `anju` binary and the built dist/, started fresh with demo data for each run.
// `cargo xtask test` sets ANJU_BIN, ANJU_DIST_DIR and CHROME_PATH.
const port = Number(process.env.ANJU_E2E_PORT ?? 3917);
const baseURL = `http://127.0.0.1:${port}`;
const dataDir = path.join(os.tmpdir(), `anju-e2e-${Date.now()}`);
const bin = process.env.ANJU_BIN ?? '../target/debug/anju';
const dist = process.env.ANJU_DIST_DIR ?? '../dist';
// Text messages go to a local HTTP peer standing in for the SMS provider (sms-peer.mjs).
export const smsPort = Number(process.env.ANJU_E2E_SMS_PORT ?? 3918);
// Every test signs up from this one machine: per-source limits are raised for the run (the
// per-number limits, codes and tries stay as deployed).
const serveFlags = `--sms-url http://127.0.0.1:${smsPort}/send --sms-per-ip-per-hour 100000 --registrations-per-ip-per-hour 100000`;

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [
    ['list'],
    ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? 'playwright-report/summary.json' }],
  ],
  use: {
    baseURL,
    locale: 'zh-CN',
    trace: 'retain-on-failure',
    // The service worker serves the app from its cache, where page.route cannot reach: tests of
    // offline work allow it (test.use), the others see the network as it is.
    serviceWorkers: 'block',
    launchOptions: {
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'phone', use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } },
    { name: 'desktop', use: { viewport: { width: 1280, height: 800 } } },
  ],
  webServer: [
    {
      command: `node sms-peer.mjs`,
      url: `http://127.0.0.1:${smsPort}/health`,
      env: { ANJU_E2E_SMS_PORT: String(smsPort) },
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: `"${bin}" --data-dir "${dataDir}" demo-data && exec "${bin}" --data-dir "${dataDir}" serve --bind 127.0.0.1:${port} --dist-dir "${dist}" ${serveFlags}`,
      url: `${baseURL}/api/health`,
      // The server logs on stderr: warnings and errors, and its own start-up lines (the audit
      // chain's head among them), not every request.
      env: { ANJU_LOG: 'warn,anju=info,anju_server=info' },
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
