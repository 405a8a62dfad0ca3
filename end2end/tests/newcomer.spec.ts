import { expect, type Page } from '@playwright/test';
import { appReady, expectAccessible, freshPhone, register, signIn, test } from './support';

// What a newcomer tripped on (#17): pages that are not there, who sees which links, what the
// browser's console says.

/** Errors the page logs (a failed request shows there as one). */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', m => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

test('another resident\'s case is a real not-found page, and a resident\'s case page asks nothing it may not', async ({ page, browser }) => {
  await register(page, freshPhone());
  const errors = consoleErrors(page);
  const filed = await page.request.post('/api/cases', {
    headers: { 'x-anju-client': '1' },
    data: { client_key: `nc-${Date.now()}`, category: 'home-repair', description: '厨房水龙头漏水' },
  });
  expect(filed.status()).toBe(201);
  const { id } = await filed.json();
  await page.goto(`/complaints/${id}`);
  await appReady(page);
  await expect(page.getByTestId('state')).toBeVisible();
  // No 403 from asking who the case could be handed to: only staff ask.
  expect(errors).toEqual([]);

  const other = await browser.newContext();
  const neighbour = await other.newPage();
  await register(neighbour, freshPhone());
  for (const path of [`/complaints/${id}`, '/complaints/999999999', '/retrofit/applications/999999999']) {
    await neighbour.goto(path);
    await appReady(neighbour);
    await expect(neighbour.getByRole('heading', { level: 1 })).toHaveText('找不到这个页面');
    await expect(neighbour.getByText('正在加载')).toHaveCount(0);
    await expect(neighbour).toHaveTitle('找不到这个页面 - 安居');
    await expect(neighbour.getByRole('link', { name: '返回首页' })).toBeVisible();
  }
  await expectAccessible(neighbour);
  await other.close();
});

test('staff find surveys in the navigation; an assessor is not offered to start one; a page of another role says so in its title', async ({ browser }) => {
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  const errors = consoleErrors(staff);
  await signIn(staff, '13800000003', 'anju-community-2026');
  await expect(staff).toHaveURL(/\/account$/);
  const nav = staff.getByRole('navigation', { name: '主导航' });
  await expect(nav.getByRole('link', { name: '满意度调查' })).toBeVisible();
  await nav.getByRole('link', { name: '回访与报表' }).click();
  await expect(staff.getByRole('heading', { level: 1 })).toHaveText('月度回访与报表');
  await expect(staff.getByRole('button', { name: '抽取回访名单' })).toBeVisible();
  // Before the month's list is drawn the page asks and gets "none", not a 404.
  expect(errors).toEqual([]);
  await staffContext.close();

  const assessorContext = await browser.newContext();
  const assessor = await assessorContext.newPage();
  await signIn(assessor, '13800000005', 'anju-assessor-2026');
  await expect(assessor).toHaveURL(/\/account$/);
  const assessorNav = assessor.getByRole('navigation', { name: '主导航' });
  await expect(assessorNav.getByRole('link', { name: '满意度调查' })).toHaveCount(0);
  await expect(assessorNav.getByRole('link', { name: '投诉与咨询' })).toHaveCount(0);
  await assessor.goto('/surveys');
  await appReady(assessor);
  await expect(assessor.getByText('满意度调查由社区和街道工作人员组织')).toBeVisible();
  await expect(assessor.getByRole('button', { name: /新建调查/ })).toHaveCount(0);
  await assessor.goto('/staff/queue');
  await appReady(assessor);
  await expect(assessor.getByRole('heading', { level: 1 })).toHaveText('没有权限');
  await expect(assessor).toHaveTitle('没有权限 - 安居');
  await expectAccessible(assessor);
  await assessorContext.close();
});

test('the home page\'s title names the app once', async ({ page }) => {
  await page.goto('/');
  await appReady(page);
  await expect(page).toHaveTitle('社区居民服务 - 安居');
});

test('registration lists its errors in the order of the form, asks for the community, and the building list says when it is ready', async ({ page }) => {
  await page.goto('/register');
  await appReady(page);
  await expect(page.getByLabel('楼栋').locator('option').first()).toHaveText('请先选择社区，再选择楼栋');
  await page.getByRole('button', { name: '注册', exact: true }).click();
  const links = page.getByRole('alert').getByRole('link');
  const targets = await links.evaluateAll(as => as.map(a => a.getAttribute('href')));
  expect(targets).toEqual(['#phone', '#password', '#display_name', '#community', '#unit', '#room']);
  await expect(page.getByLabel('所在社区')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
  await page.getByLabel('所在社区').selectOption({ label: '柳岸社区' });
  await expect(page.getByLabel('楼栋').locator('option').first()).toHaveText('请选择楼栋');
});

test('staff see where an in-home repair is, and the resident\'s number when they ask (on the record)', async ({ page, browser }) => {
  const phone = freshPhone();
  await register(page, phone);
  const filed = await page.request.post('/api/cases', {
    headers: { 'x-anju-client': '1' },
    data: { client_key: `nc-home-${Date.now()}`, category: 'home-repair', description: '卫生间水管漏水' },
  });
  expect(filed.status()).toBe(201);
  const { id } = await filed.json();
  // The resident's own page shows neither.
  await page.goto(`/complaints/${id}`);
  await appReady(page);
  await expect(page.getByTestId('resident-home')).toHaveCount(0);

  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await signIn(staff, '13800000003', 'anju-community-2026');
  await expect(staff).toHaveURL(/\/account$/);
  await staff.goto(`/complaints/${id}`);
  await appReady(staff);
  await expect(staff.getByTestId('resident-home')).toHaveText('1号楼 2单元 301');
  const masked = `${phone.slice(0, 3)}****${phone.slice(7)}`;
  await expect(staff.getByText(masked)).toBeVisible();
  await expect(staff.getByRole('link', { name: phone })).toHaveCount(0);
  await expectAccessible(staff);
  await staff.getByRole('button', { name: /显示号码/ }).click();
  await expect(staff.getByRole('link', { name: phone })).toHaveAttribute('href', `tel:${phone}`);
  await staffContext.close();
});
