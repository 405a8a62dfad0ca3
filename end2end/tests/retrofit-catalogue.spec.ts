import { expect } from '@playwright/test';
import { appReady, expectAccessible, signIn, test } from './support';

// The county admin's catalogue: prices in 元 on the page, fen on the wire; both projects
// (phone and desktop) run against one server, so each run uses its own values.
test('a county admin reprices an item, is told what is wrong with an amount, and adds an item of the county', async ({ page }) => {
  await signIn(page, '13800000007', 'anju-county-2026');
  await expect(page).toHaveURL(/\/desk$/);
  await page.goto('/county/retrofit');
  await appReady(page);
  await page.getByRole('link', { name: /改造项目目录和价格/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('改造项目目录');
  await expect(page.getByRole('heading', { name: '如厕洗浴设备改造' })).toBeVisible();
  await expectAccessible(page);

  // Grab bars (no. 13, basic): a new price, typed in yuan.
  const price = `${200 + Math.floor(Math.random() * 100)}.50`;
  const grabBars = page.getByRole('row', { name: /^13 安装扶手/ });
  await grabBars.getByRole('button', { name: '修改 安装扶手' }).click();
  const form = page.getByRole('heading', { name: '修改项目 13' });
  await expect(form).toBeFocused();
  await page.getByLabel('单价（元）').fill(price);
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('status')).toContainText('已保存： 13 安装扶手');
  await expect(grabBars).toContainText(`${price} 元 / 根`);

  // An item of the county's own: an amount that is not one is named, nothing is added.
  const name = `助浴椅${Date.now() % 100000}`;
  await page.getByRole('button', { name: '添加本区县的项目' }).click();
  await expect(page.getByRole('heading', { name: '添加本区县的项目', level: 2 })).toBeFocused();
  await page.getByLabel('类别').selectOption('aids');
  await page.getByLabel('中文名称').fill(name);
  await page.getByLabel('英文名称').fill('Bath seat');
  await page.getByLabel('单位（如：根、平方米）').fill('把');
  await page.getByLabel('英文单位').fill('seat');
  await page.getByLabel('单价（元）').fill('两百');
  await page.getByRole('button', { name: '保存' }).click();
  const summary = page.getByRole('alert');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link', { name: /请填写金额/ })).toHaveAttribute('href', '#unit_price_fen');
  await expectAccessible(page);
  await page.getByLabel('单价（元）').fill('260');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('status')).toContainText(name);
  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText('可选类（自费）');
  await expect(row).toContainText('260.00 元 / 把');
  const no = Number((await row.getByRole('cell').first().textContent()) ?? '0');
  expect(no).toBeGreaterThan(30);
});
