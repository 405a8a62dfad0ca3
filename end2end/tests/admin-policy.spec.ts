import { expect } from '@playwright/test';
import { appReady, signIn, test, expectAccessible } from './support';

test('a county admin edits a deadline and enters a community calendar exception', async ({ page }) => {
  await signIn(page, '13800000007', 'anju-county-2026');
  await expect(page).toHaveURL(/\/desk$/);
  await page.getByRole('navigation').getByRole('link', { name: '时限与日历' }).click();
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('处理时限与工作日历');

  const repair = page.locator('form').filter({ hasText: 'common-area-repair' });
  await repair.getByLabel('办结 (个工作日)').fill('0');
  await repair.getByRole('button', { name: '保存' }).click();
  await expect(repair.getByRole('alert')).toContainText('时限超出范围');
  await repair.getByLabel('办结 (个工作日)').fill('3');
  await repair.getByRole('button', { name: '保存' }).click();
  await expect(repair.getByRole('status')).toHaveText('已保存');
  await expectAccessible(page);

  await page.getByLabel('适用范围').selectOption({ label: '江南省 / 临江市 / 滨湖区 / 湖滨街道 / 柳岸社区' });
  await page.getByLabel('放假安排').fill('holiday 2027-01-04');
  await page.getByRole('button', { name: '录入' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '第 1 行' })).toBeVisible();
  await page.getByLabel('放假安排').fill('off 2027-01-04 社区停电检修\nwork 2027-01-09 补班');
  await page.getByRole('button', { name: '录入' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已录入天数' })).toContainText('2');
  await expectAccessible(page);

  const hours = page.locator('form').filter({ has: page.getByLabel('工作时间', { exact: true }) });
  await hours.getByLabel('社区').selectOption({ label: '江南省 / 临江市 / 滨湖区 / 东门街道 / 古井社区' });
  await hours.getByLabel('工作时间', { exact: true }).fill('18:00-08:00');
  await hours.getByRole('button', { name: '保存' }).click();
  await expect(hours.getByRole('alert')).toContainText('08:30-17:30');
  await hours.getByLabel('工作时间', { exact: true }).fill('08:30-17:30');
  await hours.getByRole('button', { name: '保存' }).click();
  await expect(hours.getByRole('status')).toHaveText('已保存');
});
