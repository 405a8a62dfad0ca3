import { expect, type Page } from '@playwright/test';
import { appReady, freshPhone, PHOTO, register, signIn, test, expectAccessible, chooseElderMode } from './support';

async function fileCommonAreaRepair(page: Page): Promise<string> {
  await page.goto('/complaints');
  await appReady(page);
  await expectAccessible(page);
  await page.getByRole('link', { name: '我要投诉、报修或咨询' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('您要反映什么事？');
  await expectAccessible(page);
  await page.getByRole('button', { name: '小区公共部分维修' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('请说一说具体情况');
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByRole('alert')).toContainText('请说一说遇到了什么问题');
  await expectAccessible(page);
  await page.getByLabel('发生了什么？').fill('单元门口的台阶扶手松了，老人上下楼不安全。');
  await page.getByLabel('在小区公共区域').check();
  await page.getByLabel('具体地点').fill('1号楼2单元门口');
  await page.getByRole('button', { name: '下一步' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('有照片吗？');
  // Each new step: its heading has the focus and the window title names the step.
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await expect(page).toHaveTitle(/^有照片吗？ - 安居$/);
  // A text file renamed .jpg is refused the moment it is chosen, in plain words.
  await page.getByLabel('添加照片（最多 6 张）').setInputFiles({ name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('shopping list, not a photo') });
  await expect(page.getByRole('alert').filter({ hasText: '这个文件不是照片' })).toBeVisible();
  await expect(page.getByRole('img', { name: '居民上传的照片 1' })).toHaveCount(0);
  await page.getByLabel('添加照片（最多 6 张）').setInputFiles(PHOTO);
  await expect(page.getByRole('img', { name: '居民上传的照片 1' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: '下一步' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('什么时间方便联系您？');
  await page.getByLabel('上午').check();
  await expectAccessible(page);
  await page.getByRole('button', { name: '下一步' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('请核对您填写的内容');
  await expect(page.getByText('1号楼2单元门口')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: '确认提交' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('已提交');
  const reference = await page.getByTestId('reference').innerText();
  expect(reference).toMatch(/^TS\d{8}-\d{6}$/);
  await expect(page.getByRole('status').filter({ hasText: '已上传照片' })).toContainText('1');
  await expectAccessible(page);
  await page.getByRole('link', { name: '查看这个事项' }).click();
  await expect(page.getByTestId('state')).toHaveText('已提交，等待受理');
  // No promise before staff have accepted the case.
  await expect(page.getByTestId('due')).toHaveCount(0);
  return page.url();
}

test('a resident files a repair, staff handle it, the resident sees the deadline and rates it', async ({ page, browser }) => {
  await register(page, freshPhone());
  const caseUrl = await fileCommonAreaRepair(page);
  await expectAccessible(page);

  await page.getByLabel('添加照片（最多 6 张）').setInputFiles(PHOTO);
  await expect(page.getByRole('img', { name: '居民上传的照片 1' })).toBeVisible();
  // Refused before it is sent: no upload leaves the page for it.
  const uploads: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().includes('/photos') && (r.postDataBuffer()?.toString() ?? '').includes('not really a photo')) uploads.push(r.url());
  });
  await page.getByLabel('添加照片（最多 6 张）').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not really a photo') });
  await expect(page.getByRole('alert').filter({ hasText: '这个文件不是照片' })).toBeVisible();
  expect(uploads).toEqual([]);
  await expectAccessible(page);

  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await signIn(staff, '13800000003', 'anju-community-2026');
  await expect(staff).toHaveURL(/\/desk$/);
  await staff.goto(caseUrl);
  await appReady(staff);
  await staff.getByRole('button', { name: '受理' }).click();
  await expect(staff.getByTestId('state')).toHaveText('已受理');
  await expectAccessible(staff);
  await staff.getByLabel('指派给').selectOption({ label: '陈明（湖滨街道）' });
  await staff.getByRole('button', { name: '指派', exact: true }).click();
  await expect(staff.locator('dd', { hasText: '陈明（湖滨街道）' })).toBeVisible();
  await expect(staff.getByTestId('state')).toHaveText('正在处理');

  await page.reload();
  await appReady(page);
  await expect(page.getByTestId('due')).toHaveText(/^预计 \d+月\d+日 18:00 前处理$/);
  const reference = await page.getByTestId('reference').innerText();
  await expect(page.getByRole('link', { name: '通知 1 条未读' })).toBeVisible();
  await page.getByRole('link', { name: '通知 1 条未读' }).click();
  await expect(page.getByRole('listitem').filter({ hasText: reference })).toContainText('已受理');
  await expectAccessible(page);
  await page.getByRole('link', { name: '查看事项' }).first().click();
  await expect(page.getByTestId('state')).toHaveText('正在处理');

  await staff.getByLabel('说明').fill('已重新固定扶手。');
  await staff.getByRole('button', { name: '办结' }).click();
  await expect(staff.getByTestId('state')).toHaveText('已处理，等待居民确认');
  await staffContext.close();

  await page.reload();
  await appReady(page);
  await expect(page.getByRole('heading', { name: '问题解决了吗？' })).toBeVisible();
  await expectAccessible(page);
  // Both ends of the scale say what they mean.
  await expect(page.getByRole('group', { name: '到场速度' }).getByLabel('1 分（很不满意）')).toBeVisible();
  for (const group of ['到场速度', '处理结果', '服务态度']) {
    await page.getByRole('group', { name: group }).getByLabel('5 分（很满意）').check();
  }
  await page.getByRole('button', { name: '已解决，提交评价' }).click();
  await expect(page.getByTestId('state')).toHaveText('已完成');
  await expect(page.getByRole('status').filter({ hasText: '谢谢您的评价' })).toBeVisible();
  await expect(page.getByText('已重新固定扶手。')).toBeVisible();
});

test('filing works in 长辈版 with large targets', async ({ page }) => {
  await register(page, freshPhone());
  await chooseElderMode(page);
  await page.goto('/complaints/new');
  await appReady(page);
  const choice = page.getByRole('button', { name: '户内维修' });
  expect((await choice.boundingBox())!.height).toBeGreaterThanOrEqual(60);
  await expectAccessible(page);
  await choice.click();
  await page.getByLabel('发生了什么？').fill('卫生间水龙头一直滴水。');
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByRole('button', { name: '确认提交' }).click();
  await expect(page.getByTestId('reference')).toHaveText(/^TS\d{8}-\d{6}$/);
  await expectAccessible(page);
});

test('the supervisor sees an overdue case in the queue', async ({ page }) => {
  await signIn(page, '13800000003', 'anju-community-2026');
  await expect(page).toHaveURL(/\/desk$/);
  await page.getByRole('navigation').getByRole('link', { name: '工单队列' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('工单队列');
  await page.getByRole('link', { name: '只看已超时' }).click();
  await expect(page).toHaveURL(/overdue=true/);
  const overdue = page.getByRole('article').filter({ hasText: '邻里噪音' });
  await expect(overdue.first()).toBeVisible();
  await expect(overdue.first().getByText('已超时')).toBeVisible();
  await expectAccessible(page);
});

test('staff file an inquiry for a resident who phoned', async ({ page }) => {
  await signIn(page, '13800000003', 'anju-community-2026');
  await expect(page).toHaveURL(/\/desk$/);
  await page.goto('/staff/queue');
  await appReady(page);
  await page.getByRole('link', { name: '代居民登记' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('为哪位居民登记？');
  await page.getByLabel('居民手机号').fill('138 0000 0001');
  await page.getByLabel('打电话').check();
  await expectAccessible(page);
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByRole('button', { name: '咨询物业费用' }).click();
  await page.getByLabel('发生了什么？').fill('居民来电询问今年物业费的缴费时间。');
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByRole('button', { name: '确认提交' }).click();
  await expect(page.getByTestId('reference')).toHaveText(/^ZX\d{8}-\d{6}$/);
  await page.getByRole('link', { name: '查看这个事项' }).click();
  await expect(page.getByText('王秀英 · 柳岸社区')).toBeVisible();
});
