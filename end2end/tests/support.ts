import { test as base, expect, type Page } from '@playwright/test';

/**
 * Playwright's `test`, failing any test whose page reports a content security policy
 * violation: the app must work under the server's CSP, not merely load.
 */
export const test = base.extend<{ cspGuard: void }>({
  cspGuard: [
    async ({ page }, use) => {
      const violations: string[] = [];
      page.on('console', m => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      await use();
      expect(violations, 'content security policy violations').toEqual([]);
    },
    { auto: true },
  ],
});
import AxeBuilder from '@axe-core/playwright';

/** A mobile number no other test (or earlier run against the same server) has used. */
export function freshPhone(): string {
  const n = (Date.now() * 1000 + Math.floor(Math.random() * 1000)) % 100_000_000;
  return `139${String(n).padStart(8, '0')}`;
}

export const PASSWORD = 'a quiet courtyard 2026';

/** axe-core reports no violations on the page as it is now. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).join(', ')})`);
  expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}

/** Hold back the app's main module, as on a slow mobile network; call the result to let it
 * through. */
export async function holdAppCode(page: Page): Promise<() => void> {
  let release = () => {};
  const held = new Promise<void>(resolve => { release = resolve; });
  await page.route(/\/anju-app-bg-[0-9a-f]{16}\.wasm$/, async route => {
    await held;
    await route.continue();
  });
  return () => release();
}

/** Wait until the app (not the loading shell) is showing. */
export async function appReady(page: Page) {
  await expect(page.locator('#loading')).toHaveCount(0);
  await expect(page.getByRole('main')).toBeVisible();
}

const smsPeer = `http://127.0.0.1:${process.env.ANJU_E2E_SMS_PORT ?? 3918}`;

export async function textsTo(phone: string): Promise<{ text: string }[]> {
  const r = await fetch(`${smsPeer}/messages?phone=${phone}`);
  return r.json();
}

/** The code in the newest verification text after the first `before` texts, or ''. Other
 * texts (notifications sent by the outbox) can arrive meanwhile and carry digits too. */
export function codeIn(texts: { text: string }[], before: number): string {
  const codes = texts.slice(before).filter(t => t.text.includes('验证码'));
  return codes[codes.length - 1]?.text.match(/验证码 (\d{6})/)?.[1] ?? '';
}

/** Press the page's "get a code" button and type in the code the SMS peer received. */
export async function fillSmsCode(page: Page, phone: string) {
  const before = (await textsTo(phone)).length;
  await page.getByRole('button', { name: /获取验证码/ }).click();
  let code = '';
  await expect
    .poll(async () => {
      const texts = await textsTo(phone);
      code = codeIn(texts, before);
      return code;
    })
    .toMatch(/^\d{6}$/);
  await page.getByLabel('短信验证码').fill(code);
}

export async function register(page: Page, phone: string, community = '柳岸社区') {
  await page.goto('/register');
  await appReady(page);
  await page.getByLabel('手机号').fill(phone);
  await fillSmsCode(page, phone);
  await page.getByLabel('设置密码').fill(PASSWORD);
  await page.getByLabel('您的称呼').fill('王阿姨');
  await page.getByLabel('所在社区').selectOption({ label: community });
  const building = page.getByLabel('楼栋');
  await expect(building.locator('option', { hasText: '1号楼' })).toHaveCount(1);
  await building.selectOption({ label: '1号楼' });
  await page.getByLabel('单元').fill('2');
  await page.getByLabel('门牌号').fill('301');
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { level: 1, name: '我的账户' })).toBeVisible();
}

export async function signIn(page: Page, phone: string, password = PASSWORD) {
  await page.goto('/sign-in');
  await appReady(page);
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

/** Switch on 长辈版 while signed in and wait until the account has saved it: a reload before the
 * save lands would read the account's older setting (the device's choice does not win yet, #14). */
export async function chooseElderMode(page: Page) {
  await page.getByRole('button', { name: '长辈版' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-mode', 'elder');
  await expect.poll(async () => (await page.request.get('/api/me')).json().then(me => me.preferences?.elder_mode)).toBe(true);
}

export async function signOut(page: Page) {
  await page.goto('/account');
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
}

/** A small real PNG (40×30), as a phone camera would hand over a file. */
export const PHOTO = { name: 'leak.png', mimeType: 'image/png', buffer: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAACgAAAAeCAIAAADRv8uKAAAAK0lEQVR42u3NMQ0AAAgDsMlBBLIRiAw4mvRvputExGKxWCwWi8VisVj8N14rcCDMbcXcSQAAAABJRU5ErkJggg==', 'base64') };
/** Another real photo (a different colour), for a retake. */
export const PHOTO_2 = { name: 'retake.png', mimeType: 'image/png', buffer: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAACgAAAAeCAIAAADRv8uKAAAAK0lEQVR42u3NMQ0AAAgDsClBJxKRhQw4mvRvqudExGKxWCwWi8VisVj8N15hL2j7tvpYcAAAAABJRU5ErkJggg==', 'base64') };

/** A valid resident ID number (GB 11643) of someone born 1930–1944, different each call. */
export function freshIdNumber(): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const year = 1930 + Math.floor(Math.random() * 15);
  const body = `110105${year}${pad(1 + Math.floor(Math.random() * 12))}${pad(1 + Math.floor(Math.random() * 28))}${pad(Math.floor(Math.random() * 1000), 3)}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = body.split('').reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

/** A small, complete, passive PDF (one page), as a scanned certificate would arrive. */
function onePagePdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export const PDF = { name: 'deed.pdf', mimeType: 'application/pdf', buffer: onePagePdf() };

/** File and submit the signed-in elder's application through the API, as the app would. */
export async function submitThroughApi(page: Page, idNumber: string): Promise<{ id: number; reference: string }> {
  const headers = { 'x-anju-client': '1' };
  const created = await page.request.post('/api/retrofit/applications', { headers, data: { client_key: `e2e-${Date.now()}` } });
  expect(created.status()).toBe(201);
  const id = (await created.json()).id;
  const sections = [
    { section: 'elder', name: '陈桂兰', id_number: idNumber },
    { section: 'facts', group: 'lifted_out_of_poverty', owns_or_long_term_use: true, safe_to_retrofit: true, on_demolition_list: false, already_retrofitted: false, can_stay_elsewhere: true },
    { section: 'guardian', guardian_account_id: null },
    { section: 'consent', version: '2026-11-v1', agreed: true },
  ];
  for (const data of sections) {
    const r = await page.request.put(`/api/retrofit/applications/${id}/sections`, { headers, data });
    expect(r.status(), await r.text()).toBe(200);
  }
  for (const [kind, file] of [['id_front', PHOTO], ['id_back', PHOTO], ['ownership_proof', PDF]] as const) {
    const r = await page.request.post(`/api/retrofit/applications/${id}/documents?kind=${kind}`, {
      headers: { ...headers, 'content-type': file.mimeType },
      data: file.buffer,
    });
    expect(r.status(), await r.text()).toBe(201);
  }
  const submitted = await page.request.post(`/api/retrofit/applications/${id}/actions`, { headers, data: { action: 'submit' } });
  expect(submitted.status(), await submitted.text()).toBe(200);
  return { id, reference: (await submitted.json()).reference };
}

/** Press Tab (up to 40 times) until `target` has the focus: it is reachable by keyboard. */
export async function tabTo(page: Page, target: ReturnType<Page['getByRole']>) {
  for (let i = 0; i < 40; i++) {
    if (await target.evaluate(el => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

/** The son becomes the elder's guardian (relationship 子女), through the API as the app does. */
export async function linkGuardian(elder: Page, son: Page, sonPhone: string) {
  const headers = { 'x-anju-client': '1' };
  const invite = await elder.request.post('/api/guardians/invitations', { headers, data: { phone: sonPhone } });
  expect(invite.status(), await invite.text()).toBe(201);
  const link = (await invite.json()).id;
  const before = (await textsTo(sonPhone)).length;
  let asked = await son.request.post('/api/auth/sms-codes', { headers, data: { purpose: 'guardian_accept' } });
  if (asked.status() === 429) {
    // A second elder's invitation within the minute: the code waits, as it does for people.
    const { retry_after_secs } = await asked.json();
    await son.waitForTimeout(((retry_after_secs ?? 60) + 1) * 1000);
    asked = await son.request.post('/api/auth/sms-codes', { headers, data: { purpose: 'guardian_accept' } });
  }
  expect(asked.status(), await asked.text()).toBe(202);
  let code = '';
  await expect.poll(async () => {
    const texts = await textsTo(sonPhone);
    code = codeIn(texts, before);
    return code;
  }).toMatch(/^\d{6}$/);
  const accepted = await son.request.post(`/api/guardians/${link}/accept?relationship=child&code=${code}`, {
    headers: { ...headers, 'content-type': 'image/png' },
    data: PHOTO.buffer,
  });
  expect(accepted.status(), await accepted.text()).toBe(200);
  expect((await elder.request.post(`/api/guardians/${link}/confirm`, { headers, data: {} })).status()).toBe(200);
}
