import { expect } from '@playwright/test';
import { appReady, signIn, test } from './support';

// Staff and later resident pages arrive as wasm chunks (app/src/routes.rs).
const chunk = (group: string) => new RegExp(`/split-${group}-[0-9a-f]{16}\\.wasm$`);

test('a resident downloads resident pages but never the staff or admin code', async ({ page }) => {
  const fetched: string[] = [];
  page.on('request', r => fetched.push(new URL(r.url()).pathname));
  await page.goto('/');
  await appReady(page);
  // Signed out: the public pages and the resident pages are fetched once the phone is idle.
  await expect.poll(() => fetched.some(p => chunk('resident').test(p))).toBe(true);
  await signIn(page, '13800000001', 'anju-resident-2026');
  await page.getByRole('navigation').getByRole('link', { name: '投诉与咨询' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('物业投诉与咨询');
  await page.waitForLoadState('networkidle');
  expect(fetched.filter(p => chunk('staff').test(p) || chunk('admin').test(p))).toEqual([]);
});

test('a deep link to a staff page loads its chunk, compressed and cached for good', async ({ page }) => {
  // Signed in through the API: signing in on the page would land on the desk, a staff page.
  const signedIn = await page.request.post('/api/auth/sign-in', { headers: { 'x-anju-client': '1' }, data: { phone: '13800000003', password: 'anju-community-2026' } });
  expect(signedIn.status()).toBe(200);
  const staffChunk = page.waitForResponse(r => chunk('staff').test(new URL(r.url()).pathname));
  await page.goto('/staff/queue');
  const response = await staffChunk;
  expect(response.headers()['content-type']).toBe('application/wasm');
  expect(response.headers()['content-encoding']).toBe('br');
  expect(response.headers()['cache-control']).toContain('immutable');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('工单队列');
});

test('a deep link names its chunks in the shell, and the browser fetches each of them once', async ({ page }) => {
  const fetched: string[] = [];
  page.on('request', r => fetched.push(new URL(r.url()).pathname));
  const shell = page.waitForResponse(r => new URL(r.url()).pathname === '/sign-in');
  await page.goto('/sign-in');
  const link = (await shell).headers()['link'] ?? '';
  // The public group's own chunk and the shared chunks it needs, none of another group.
  const preloaded = [...link.matchAll(/<([^>]+)>; rel=preload; as=fetch; crossorigin/g)].map(m => m[1]);
  expect(preloaded.some(p => chunk('public').test(p))).toBe(true);
  expect(preloaded.filter(p => /split-(resident|retrofit|staff|admin)-/.test(p))).toEqual([]);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录');
  await page.waitForLoadState('networkidle');
  // The split loader's own fetch is served from the preload: a mismatch (say, of the
  // credentials mode) would show here as a second download of the same file.
  for (const file of preloaded) {
    expect(fetched.filter(p => p === file), file).toHaveLength(1);
  }
});

test('a page sent with its heading names its chunks in the page, fetched once after that heading is painted', async ({ page }) => {
  const fetched: string[] = [];
  page.on('request', r => fetched.push(new URL(r.url()).pathname));
  const shell = page.waitForResponse(r => new URL(r.url()).pathname === '/register');
  await page.goto('/register');
  const response = await shell;
  // No preload before the first paint: not in the header, not in the page's <head>.
  expect(response.headers()['link']).toBeUndefined();
  const html = await response.text();
  expect(html).not.toMatch(/rel="preload"[^>]*\.wasm/);
  const named = html.match(/<meta name="anju-chunks" content="([^"]+)">/)![1].split(' ').map(f => `/${f}`);
  expect(named.some(p => chunk('public').test(p))).toBe(true);
  expect(named.filter(p => /split-(resident|retrofit|staff|admin)-/.test(p))).toEqual([]);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('注册账户');
  await expect(page.getByRole('textbox', { name: /手机号/ })).toBeVisible();
  await page.waitForLoadState('networkidle');
  for (const file of named) {
    expect(fetched.filter(p => p === file), file).toHaveLength(1);
  }
});

test('a page left while its code downloads never replaces the page opened after it', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', e => errors.push(e.message));
  await signIn(page, '13800000001', 'anju-resident-2026');
  // A slow network: the retrofit pages take seconds to arrive.
  let release = () => {};
  const held = new Promise<void>(resolve => (release = resolve));
  await page.route(chunk('retrofit'), async route => {
    await held;
    await route.continue();
  });
  const nav = page.getByRole('navigation');
  await nav.getByRole('link', { name: '适老化改造' }).click();
  await nav.getByRole('link', { name: '投诉与咨询' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('物业投诉与咨询');
  await expect(page).toHaveURL(/\/complaints$/);
  // The retrofit code arrives after all: the complaints page stays, at its own address.
  release();
  await page.waitForLoadState('networkidle');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('物业投诉与咨询');
  await expect(page).toHaveURL(/\/complaints$/);
  // And the retrofit pages open at once when asked for again.
  await nav.getByRole('link', { name: '适老化改造' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('居家适老化改造');
  await expect(page).toHaveURL(/\/retrofit$/);
  expect(errors).toEqual([]);
});

test('a page whose code cannot be downloaded says so, offers a reload, and the app keeps working', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', e => errors.push(e.message));
  // A deploy that removed the chunk, or a network that dropped: the request fails.
  await page.route(chunk('resident'), route => route.abort('failed'));
  await page.goto('/complaints');
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('页面没有加载出来');
  await expect(page.getByRole('alert')).toContainText('重新加载');
  // The wasm module did not abort: navigation still works.
  await page.getByRole('navigation').getByRole('link', { name: '首页' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1 })).not.toHaveText('页面没有加载出来');

  await page.goto('/complaints');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('页面没有加载出来');
  await page.unroute(chunk('resident'));
  await page.getByRole('button', { name: '重新加载' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('物业投诉与咨询');
  expect(errors).toEqual([]);
});
