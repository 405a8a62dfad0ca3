import { expect } from '@playwright/test';
import { appReady, expectAccessible, freshPhone, register, signIn, test } from './support';

const client = { 'x-anju-client': '1' };

// 东门街道 is used by no other spec, and each project takes a community of its own, so the
// numbers here are not moved by tests running alongside.
test('a street reviewer lands on the desk, narrows it to a community and follows a number to the list it counts', async ({ page, browser }, testInfo) => {
  const community = testInfo.project.name === 'phone' ? '东门社区' : '古井社区';
  const communities = await (await page.request.get('/api/places/communities')).json();
  const place = communities.find((c: { name: string }) => c.name === community);
  expect(place).toBeTruthy();

  // A reviewer for 东门街道, set up by the system administrator.
  const admin = await browser.newContext();
  const signedIn = await admin.request.post('/api/auth/sign-in', { headers: client, data: { phone: '13800000008', password: 'anju-admin-2026' } });
  expect(signedIn.status()).toBe(200);
  const reviewerPhone = freshPhone();
  const created = await admin.request.post('/api/admin/accounts', {
    headers: client,
    data: { phone: reviewerPhone, password: 'staff passphrase', display_name: '东门街道审核员', role: 'street_reviewer', jurisdiction_id: place.parent_id },
  });
  expect(created.status()).toBe(201);
  await admin.close();

  // A resident of the community files a complaint.
  const residentContext = await browser.newContext();
  const resident = await residentContext.newPage();
  await register(resident, freshPhone(), community);
  const filed = await resident.request.post('/api/cases', {
    headers: client,
    data: { client_key: `desk-${Date.now()}`, category: 'common-area-repair', description: '楼道灯坏了' },
  });
  expect(filed.status()).toBe(201);
  await residentContext.close();

  // Signing in lands on the desk of the reviewer's street.
  await signIn(page, reviewerPhone, 'staff passphrase');
  await expect(page).toHaveURL(/\/desk$/);
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('工作台 · 东门街道');
  const complaints = page.getByRole('region', { name: '投诉与咨询' });
  const retrofit = page.getByRole('region', { name: '适老化改造' });
  await expect(complaints).toBeVisible();
  await expect(retrofit.getByRole('table', { name: '各环节的户数' })).toBeVisible();
  await expect(page.getByRole('region', { name: '满意度' })).toBeVisible();
  await expectAccessible(page);
  if (testInfo.project.name === 'desktop') {
    // Side by side at 1280 px: the parts start on one line.
    const [a, b] = [await complaints.boundingBox(), await retrofit.boundingBox()];
    expect(Math.abs(a!.y - b!.y)).toBeLessThan(2);
    expect(b!.x).toBeGreaterThan(a!.x + a!.width - 1);
  }

  // Narrowed to the community with the filter form: the address carries the filter.
  await page.getByLabel('社区', { exact: true }).selectOption({ label: community });
  await page.getByRole('button', { name: '查看' }).click();
  await expect(page).toHaveURL(new RegExp(`community_id=${place.id}`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`工作台 · ${community}`);
  const open = complaints.getByRole('link', { name: /未办结$/ });
  const count = Number((await open.locator('strong').textContent())?.trim());
  expect(count).toBeGreaterThanOrEqual(1);
  await expect(page.getByRole('link', { name: '下载 Excel（全部表格）' })).toHaveAttribute('href', new RegExp(`format=xlsx.*community_id=${place.id}`));

  // The number opens the queue with the same filter, listing exactly that many cases.
  await open.click();
  await expect(page).toHaveURL(new RegExp(`/staff/queue\\?community_id=${place.id}`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('工单队列');
  await expect(page.getByRole('status').filter({ hasText: '这里只列出筛选后的事项' })).toBeVisible();
  await expect(page.locator('.case-list > li')).toHaveCount(count);
  await expectAccessible(page);

  // Back on the desk, a stage's number opens the retrofit queue at that status.
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`工作台 · ${community}`);
  await retrofit.getByRole('link', { name: '待街道审核' }).click();
  await expect(page).toHaveURL(/\/staff\/retrofit\?status=submitted/);
  await expect(page.getByLabel('状态')).toHaveValue('submitted');
  await appReady(page);
  await expectAccessible(page);

  // Its overdue figure opens the same list, only the households behind the year's date.
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`工作台 · ${community}`);
  await retrofit.getByRole('row', { name: /待街道审核/ }).getByRole('link').last().click();
  await expect(page).toHaveURL(/\/staff\/retrofit\?status=submitted&behind=overdue/);
  await expect(page.getByRole('status').filter({ hasText: '年度节点已过' })).toBeVisible();
});
