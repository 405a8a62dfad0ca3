import { expect } from '@playwright/test';
import { appReady, chooseElderMode, expectAccessible, freshPhone, PHOTO, register, signIn, test } from './support';

/** `2026-12-08T09:00` for a Shanghai time `hours` from now, as a datetime-local field takes it. */
function shanghaiMinute(hours: number): string {
  const t = new Date(Date.now() + hours * 3600_000 + 8 * 3600_000);
  return t.toISOString().slice(0, 16);
}

test('the community office posts a building notice and sets its concierge with a photo; a resident of the building sees both where they land after signing in and on the home page', async ({ page, browser }) => {
  const title = `1号楼停水检修 ${Date.now() % 100000}`;
  const edited = `${title}（改期）`;
  await signIn(page, '13800000003', 'anju-community-2026');
  await expect(page).toHaveURL(/\/desk$/);
  await page.getByRole('link', { name: '社区通知与楼栋联系人' }).click();
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('社区通知与楼栋联系人');
  await expectAccessible(page);

  // A slip first: the errors are named at their fields.
  await page.getByRole('button', { name: '发布通知' }).click();
  const summary = page.getByRole('alert');
  await expect(summary.getByRole('link', { name: /请填写标题/ })).toHaveAttribute('href', '#title');

  await page.getByLabel('通知范围（社区或楼栋）').selectOption({ label: '柳岸社区 1号楼' });
  await page.getByLabel('类型').selectOption({ label: '停水' });
  await page.getByLabel('标题').fill(title);
  await page.getByLabel('内容').fill('今天 9:00–17:00 更换水管，请提前储水。');
  await page.getByLabel('开始时间').fill(shanghaiMinute(-1));
  await page.getByLabel('结束时间').fill(shanghaiMinute(6));
  await page.getByRole('button', { name: '发布通知' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已发布' })).toContainText(title);
  const posted = page.getByTestId('staff-notices').getByRole('listitem').filter({ hasText: title });
  await expect(posted).toContainText('正在生效');

  // A slip in a posted notice is corrected in place, in the same form.
  await page.getByRole('button', { name: new RegExp(`^修改\\s*：${title}$`) }).click();
  await expect(page.getByRole('heading', { name: '修改通知' })).toBeFocused();
  await expect(page.getByLabel('标题')).toHaveValue(title);
  await expect(page.getByLabel('通知范围（社区或楼栋）')).toBeDisabled();
  await page.getByLabel('标题').fill(edited);
  await page.getByRole('button', { name: '保存修改' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已保存修改' })).toContainText(edited);
  await expect(page.getByRole('heading', { name: '发布通知' })).toBeVisible();
  await expect(page.getByTestId('staff-notices').getByRole('listitem').filter({ hasText: edited })).toContainText('正在生效');
  await expectAccessible(page);

  await page.getByRole('button', { name: /^设置联系人\s*：柳岸社区 1号楼$/ }).click();
  await expect(page.getByRole('heading', { name: '楼栋联系人', exact: true })).toBeFocused();
  await page.getByLabel('姓名').fill('李师傅');
  await page.getByLabel('职责').fill('楼栋管家');
  await page.getByLabel('电话').fill('0571-88886666');
  await page.getByLabel('服务时间').fill('每天 8:00–20:00');
  await page.getByRole('button', { name: '保存联系人' }).click();
  const building = page.getByTestId('concierges').getByRole('listitem').filter({ hasText: '柳岸社区 1号楼' });
  await expect(building).toContainText('李师傅');
  await expectAccessible(page);

  // The photo is optional, added once the contact is saved; it is kept as soon as it is sent.
  await page.getByRole('button', { name: /^设置联系人\s*：柳岸社区 1号楼$/ }).click();
  await page.getByLabel('联系人照片（可选）').setInputFiles(PHOTO);
  await expect(page.getByRole('status').filter({ hasText: '照片已保存' })).toBeVisible();
  const preview = page.getByRole('img', { name: '李师傅 的照片' });
  await expect(preview).toBeVisible();
  // Loaded, not only laid out (its size is set before it arrives).
  await expect.poll(() => preview.evaluate(img => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  await expectAccessible(page);
  await page.getByRole('button', { name: '保存联系人' }).click();
  await expect(building).toContainText('有照片');

  // A resident of 1号楼 (register() chooses it) sees the notice and the contact on 我的账户,
  // where signing in lands.
  const residentContext = await browser.newContext();
  const resident = await residentContext.newPage();
  await register(resident, freshPhone());
  const notices = resident.getByRole('region', { name: '小区通知' });
  await expect(notices.getByRole('heading', { name: edited, exact: true })).toBeVisible();
  await expect(notices).toContainText('停水');
  await expect(notices).toContainText('柳岸社区 1号楼');
  const contact = resident.getByRole('region', { name: /您的楼栋联系人/ });
  await expect(contact).toContainText('李师傅 · 楼栋管家');
  await expect(contact.getByRole('link', { name: '拨打 0571-88886666' })).toHaveAttribute('href', 'tel:057188886666');
  const face = contact.getByRole('img', { name: '李师傅 的照片' });
  await expect(face).toBeVisible();
  await expect.poll(() => face.evaluate(img => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  await expectAccessible(resident);

  // The same on the home page (安居 at the top), before the services.
  await resident.getByRole('link', { name: /^安居/ }).first().click();
  await expect(resident).toHaveURL(/\/$/);
  const onHome = resident.getByRole('region', { name: '小区通知' });
  await expect(onHome.getByRole('heading', { name: edited, exact: true })).toBeVisible();
  await expect(resident.getByRole('region', { name: /您的楼栋联系人/ }).getByRole('img', { name: '李师傅 的照片' })).toBeVisible();
  const order = await resident.locator('main h2').allTextContents();
  expect(order.indexOf('小区通知')).toBeLessThan(order.indexOf('我们能帮您做什么'));
  await expectAccessible(resident);

  // In 长辈版 the same, in large type.
  await chooseElderMode(resident);
  await resident.reload();
  await appReady(resident);
  const heading = resident.getByRole('region', { name: '小区通知' }).getByRole('heading', { name: edited, exact: true });
  await expect(heading).toBeVisible();
  const size = await heading.evaluate(el => parseFloat(getComputedStyle(el).fontSize));
  expect(size).toBeGreaterThanOrEqual(24);
  await expectAccessible(resident);
  await residentContext.close();

  // Taken down by the office.
  await page.getByRole('button', { name: new RegExp(`^撤下\\s*：${edited}$`) }).click();
  await expect(posted).toContainText('已撤下');
});
