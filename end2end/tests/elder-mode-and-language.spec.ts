import { expect, type Page } from '@playwright/test';
import { appReady, freshPhone, PASSWORD, register, signIn, signOut, test, expectAccessible } from './support';

async function bodyFontPx(page: Page) {
  return page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
}

async function minButtonHeight(page: Page) {
  return page.evaluate(() => {
    // Those on screen (the compact 长辈版 header keeps some behind its menu button).
    const targets = Array.from(document.querySelectorAll<HTMLElement>('main .button, .toggle, .site-nav a'))
      .filter(el => el.getClientRects().length > 0);
    return Math.min(...targets.map(el => el.getBoundingClientRect().height));
  });
}

test('长辈版 makes text and buttons larger and is remembered on the device', async ({ page }) => {
  await page.goto('/');
  await appReady(page);
  expect(await bodyFontPx(page)).toBeGreaterThanOrEqual(18);
  expect(await minButtonHeight(page)).toBeGreaterThanOrEqual(48);

  const toggle = page.getByRole('button', { name: '长辈版' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(page.locator('html')).toHaveAttribute('data-mode', 'elder');
  await expect(page.getByRole('button', { name: /长辈版/ })).toHaveAttribute('aria-pressed', 'true');
  expect(await bodyFontPx(page)).toBeGreaterThanOrEqual(24);
  expect(await minButtonHeight(page)).toBeGreaterThanOrEqual(60);
  await expectAccessible(page);

  await page.reload();
  await appReady(page);
  await expect(page.locator('html')).toHaveAttribute('data-mode', 'elder');
  expect(await bodyFontPx(page)).toBeGreaterThanOrEqual(24);

  await page.goto('/sign-in');
  await appReady(page);
  const submitHeight = await page.getByRole('button', { name: '登录', exact: true }).evaluate(el => el.getBoundingClientRect().height);
  expect(submitHeight).toBeGreaterThanOrEqual(60);
  const inputHeight = await page.getByLabel('手机号').evaluate(el => el.getBoundingClientRect().height);
  expect(inputHeight).toBeGreaterThanOrEqual(60);
  await expectAccessible(page);
});

test('长辈版 is remembered on the account and follows it to another device', async ({ page, browser }) => {
  const phone = freshPhone();
  await register(page, phone);
  await page.getByRole('button', { name: '长辈版' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-mode', 'elder');
  // Wait for the preference to be saved before moving on.
  await expect.poll(async () => (await page.request.get('/api/me')).json().then(me => me.preferences.elder_mode)).toBe(true);

  const otherDevice = await browser.newContext();
  const other = await otherDevice.newPage();
  await signIn(other, phone);
  await expect(other).toHaveURL(/\/account$/);
  await expect(other.locator('html')).toHaveAttribute('data-mode', 'elder');
  expect(await bodyFontPx(other)).toBeGreaterThanOrEqual(24);
  await otherDevice.close();
});

test('长辈版 chosen before signing in stays on and becomes the account\'s', async ({ page }) => {
  const phone = freshPhone();
  await register(page, phone);
  await signOut(page);
  // Signed out, on the sign-in page, the person switches 长辈版 on, then signs in.
  await page.getByRole('button', { name: '长辈版' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-mode', 'elder');
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.locator('html')).toHaveAttribute('data-mode', 'elder');
  await expect.poll(async () => (await page.request.get('/api/me')).json().then(me => me.preferences.elder_mode)).toBe(true);
  await page.reload();
  await appReady(page);
  await expect(page.locator('html')).toHaveAttribute('data-mode', 'elder');
  // Switched off while signed in, it stays off at the next sign-in (the account decides now).
  await page.getByRole('button', { name: /长辈版/ }).click();
  await expect.poll(async () => (await page.request.get('/api/me')).json().then(me => me.preferences.elder_mode)).toBe(false);
  await signOut(page);
  await signIn(page, phone);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.locator('html')).toHaveAttribute('data-mode', 'standard');
});

test('English switch translates the pages', async ({ page }) => {
  // The English text is not in the app: it is fetched, once, when English is chosen.
  const catalogs: string[] = [];
  page.on('request', r => {
    if (/\/catalog-en-[0-9a-f]{16}\.txt$/.test(r.url())) catalogs.push(r.url());
  });
  await page.goto('/');
  await appReady(page);
  expect(catalogs).toEqual([]);
  await page.getByRole('button', { name: 'English', exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome to Anju');
  expect(catalogs).toHaveLength(1);
  await expect(page.getByRole('link', { name: 'Home age-friendly retrofit' })).toBeVisible();
  await expect(page).toHaveTitle(/Anju/);
  await expectAccessible(page);

  await page.getByRole('navigation').getByRole('link', { name: 'Register' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Register');
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('alert')).toContainText('Enter your mobile number');
  // No Chinese left in the interface text; place names (the community list) stay Chinese.
  const main = await page.getByRole('main').evaluate(el => {
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('select').forEach(s => s.remove());
    return copy.innerText;
  });
  expect(main).not.toMatch(/[\u4e00-\u9fff]/);
  await expectAccessible(page);

  await page.reload();
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Register');
});
