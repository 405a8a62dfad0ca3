import { expect } from '@playwright/test';
import { appReady, holdAppCode, signIn, test, expectAccessible } from './support';

test('a deep link to /account loads straight from the server and asks to sign in first', async ({ page }) => {
  const response = await page.goto('/account');
  expect(response?.status()).toBe(200);
  expect(response?.headers()['cache-control']).toBe('no-cache');
  await expect(page).toHaveURL(/\/sign-in\?next=\/account$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录');

  await page.getByLabel('手机号').fill('13800000001');
  await page.getByLabel('密码', { exact: true }).fill('anju-resident-2026');
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId('role')).toHaveText('居民');
});

test('the home page shows its heading and introduction before its code arrives, and the app takes over those very elements', async ({ page }) => {
  // The app's code is held back, as on a slow mobile network.
  const release = await holdAppCode(page);
  await page.goto('/');
  const main = page.getByRole('main');
  await expect(main.getByRole('heading', { level: 1 })).toHaveText('您好，欢迎使用安居');
  await expect(main.getByRole('status')).toContainText('正在加载');
  const lead = main.locator('.lead');
  const words = await lead.textContent();
  expect(words).toContain('长辈版');
  // Marked while only the server's page is there, to tell these elements from any copy.
  await page.evaluate(() => document.querySelectorAll('main h1, main .lead').forEach(e => e.setAttribute('data-probe', '')));
  const before = await lead.boundingBox();
  release();
  await appReady(page);
  await expect(page.getByRole('banner')).toBeVisible();
  // The same elements, the same size, alone: nothing is removed and redrawn when the app
  // takes over (Chrome's largest paint stays the early one).
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
  await expect(main.locator('h1[data-probe]')).toHaveText('您好，欢迎使用安居');
  await expect(main.locator('.lead[data-probe]')).toHaveText(words!);
  const after = await lead.boundingBox();
  expect([after!.width, after!.height]).toEqual([before!.width, before!.height]);
  await expect(page.locator('#frame-space')).toHaveCount(0);

  // They follow the language like the rest of the page, and belong to this page only.
  await page.getByRole('button', { name: 'English', exact: true }).click();
  await expect(main.locator('h1[data-probe]')).toHaveText('Welcome to Anju');
  await page.getByRole('button', { name: '中文', exact: true }).click();
  await expect(main.locator('h1[data-probe]')).toHaveText('您好，欢迎使用安居');
  await page.getByRole('navigation').getByRole('link', { name: '登录' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录');
  await expect(page.locator('[data-probe]')).toHaveCount(0);
  await page.getByRole('navigation').getByRole('link', { name: '首页' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('您好，欢迎使用安居');
  await expect(main.locator('.lead')).toHaveText(words!);

  // Any other path gets the plain loading message: the home page's words would be wrong there.
  await page.goto('/sign-in');
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录');
  const plain = await page.request.get('/sign-in');
  expect(await plain.text()).not.toContain('欢迎使用安居');
});

test('the eligibility check and registration come with their heading and introduction, which the page keeps until its questions begin', async ({ page }) => {
  // The app's code is held back, as on a slow mobile network.
  const release = await holdAppCode(page);
  await page.goto('/retrofit/check');
  const main = page.getByRole('main');
  await expect(main.getByRole('heading', { level: 1 })).toHaveText('是否符合改造补贴条件');
  await expect(main.locator('.lead')).toContainText('不用登录');
  await page.evaluate(() => document.querySelectorAll('main h1, main .lead').forEach(e => e.setAttribute('data-probe', '')));
  release();
  await appReady(page);
  // The page's own code (a lazily loaded group) arrived and took the two over, drawing no copy.
  await expect(main.getByRole('button', { name: '开始', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
  await expect(main.locator('h1[data-probe]')).toHaveText('是否符合改造补贴条件');
  // The questions replace the introduction; going back draws it again.
  await main.getByRole('button', { name: '开始', exact: true }).click();
  await expect(page.locator('[data-probe]')).toHaveCount(0);
  await expect(main.locator('.lead')).toHaveCount(0);
  await main.getByRole('button', { name: '返回上一步' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('是否符合改造补贴条件');
  await expect(main.locator('.lead')).toContainText('不用登录');

  await page.goto('/register');
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('注册账户');
  await expect(main.locator('.lead')).toContainText('能收短信的手机');
  await expectAccessible(page);
});

test('a signed-in resident gets the complaint form with its first question already there, kept by the page until the next step', async ({ page }) => {
  await signIn(page, '13800000001', 'anju-resident-2026');
  await expect(page.getByRole('navigation').getByRole('link', { name: '投诉与咨询' })).toBeVisible();
  // The app's code is held back, as on a slow mobile network.
  const release = await holdAppCode(page);
  await page.goto('/complaints/new');
  const main = page.getByRole('main');
  await expect(main.getByRole('heading', { level: 1 })).toHaveText('您要反映什么事？');
  await expect(main.locator('.lead')).toHaveText('选最接近的一项，下一步再写具体情况。');
  await page.evaluate(() => document.querySelectorAll('main h1, main .lead').forEach(e => e.setAttribute('data-probe', '')));
  release();
  await appReady(page);
  await expect(main.getByRole('heading', { level: 2, name: '投诉和报修' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
  await expect(main.locator('h1[data-probe]')).toHaveText('您要反映什么事？');
  await main.locator('button.choice').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('请说一说具体情况');
  await expect(page.locator('[data-probe]')).toHaveCount(0);
  await main.getByRole('button', { name: '上一步' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('您要反映什么事？');
  await expect(main.locator('.lead')).toHaveCount(1);
});

test('the optimised bundle loads precompressed with long-lived caching and no errors', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', e => errors.push(e.message));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  const wasm = page.waitForResponse(r => r.url().endsWith('.wasm'));
  await page.goto('/');
  const wasmResponse = await wasm;
  expect(wasmResponse.headers()['content-encoding']).toBe('br');
  expect(wasmResponse.headers()['content-type']).toBe('application/wasm');
  expect(wasmResponse.headers()['cache-control']).toContain('immutable');
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(errors).toEqual([]);
});

test('unknown pages show a helpful not-found page, unknown API paths a JSON 404', async ({ page, request }) => {
  await page.goto('/no-such-page');
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('找不到这个页面');
  await expectAccessible(page);

  const api = await request.get('/api/x');
  expect(api.status()).toBe(404);
  expect(await api.json()).toMatchObject({ code: 'not_found', message_en: 'No such API route' });
});

test('staff pages are guarded by role', async ({ page }) => {
  await signIn(page, '13800000001', 'anju-resident-2026');
  await expect(page).toHaveURL(/\/account$/);
  await page.goto('/admin/accounts');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('没有权限');
  await expectAccessible(page);

  await page.context().clearCookies();
  await signIn(page, '13800000007', 'anju-county-2026');
  await expect(page).toHaveURL(/\/desk$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('工作台 · 滨湖区');
  await page.getByRole('navigation').getByRole('link', { name: '我的账户' }).click();
  await expect(page.getByTestId('role')).toHaveText('区县民政管理员');
  await expect(page.getByTestId('jurisdiction')).toContainText('滨湖区');
  await page.getByRole('navigation').getByRole('link', { name: '账户管理' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('账户管理');
  await expect(page.getByRole('cell', { name: '王秀英' })).toBeVisible();
  await expectAccessible(page);
});

test('each service card on the home page opens its working service, with a drawn icon', async ({ page }) => {
  await page.goto('/');
  await appReady(page);
  const cards = page.getByRole('list').filter({ has: page.getByRole('link', { name: '物业投诉与咨询' }) });
  // Icons are drawn (SVG), not emoji a phone may lack; they carry no meaning of their own.
  await expect(cards.locator('svg[aria-hidden="true"]')).toHaveCount(3);
  for (const [name, path, heading] of [
    ['物业投诉与咨询', /\/complaints$/, '物业投诉与咨询'],
    ['居家适老化改造', /\/retrofit$/, '居家适老化改造'],
    ['满意度调查', /\/surveys/, /满意度调查|登录/],
  ] as const) {
    await page.goto('/');
    await appReady(page);
    await page.getByRole('link', { name }).click();
    await expect(page).toHaveURL(path);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    await expect(page.getByText('正在建设中')).toHaveCount(0);
  }
  await expectAccessible(page);
});
