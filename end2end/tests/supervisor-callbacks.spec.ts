import { expect } from '@playwright/test';
import { appReady, freshPhone, register, signIn, test, expectAccessible } from './support';

const CLIENT = { 'x-anju-client': '1' };

test("the supervisor draws the month's call-back list, records a call and downloads the report", async ({ page, browser }, testInfo) => {
  // Each browser project works in its own community, so their monthly draws do not meet.
  const community = testInfo.project.name === 'phone' ? '荷花池社区' : '望湖社区';
  const residentContext = await browser.newContext();
  const resident = await residentContext.newPage();
  await register(resident, freshPhone(), community);
  const filed = await resident.request.post('/api/cases', {
    headers: CLIENT,
    data: { client_key: `e2e-${Date.now()}`, category: 'home-repair', description: '厨房水龙头漏水' },
  });
  expect(filed.status()).toBe(201);
  const { id, reference } = await filed.json();
  await residentContext.close();

  await signIn(page, '13800000007', 'anju-county-2026');
  await expect(page).toHaveURL(/\/desk$/);
  for (const data of [{ action: 'acknowledge' }, { action: 'resolve', note: '换了新水龙头' }]) {
    expect((await page.request.post(`/api/cases/${id}/actions`, { headers: CLIENT, data })).status()).toBe(200);
  }

  await page.getByRole('navigation').getByRole('link', { name: '回访与报表' }).click();
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('月度回访与报表');
  await page.getByLabel('社区').selectOption({ label: community });
  await page.getByRole('button', { name: '查看' }).click();
  await page.getByRole('button', { name: '抽取回访名单' }).click();
  await expect(page.getByTestId('seed')).toHaveText(/^\d+$/);
  await expectAccessible(page);

  const item = page.getByRole('listitem').filter({ hasText: reference });
  await item.getByLabel('联系上了').check();
  await item.getByLabel('满意', { exact: true }).check();
  await item.getByLabel('回访备注').fill('居民说修得很好');
  await item.getByRole('button', { name: '保存回访记录' }).click();
  await expect(item).toContainText('已回访');

  const report = page.getByTestId('report');
  await expect(report).toContainText('100.0% (1/1)');
  await expect(report).toContainText('目标 90%');
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: '下载 CSV' }).click();
  expect((await download).suggestedFilename()).toMatch(/^complaints-\d+-\d{4}-\d{2}\.csv$/);
  await expectAccessible(page);
});
