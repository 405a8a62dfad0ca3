import { expect, type Page } from '@playwright/test';
import { appReady, expectAccessible, freshIdNumber, freshPhone, register, signIn, submitThroughApi, test } from './support';

const heading = (page: Page) => page.getByRole('heading', { level: 1 });

test('the street office reveals an ID number; the family sees who looked and the county admin finds who revealed it', async ({ page, browser }) => {
  test.setTimeout(180_000);
  await register(page, freshPhone());
  const idNumber = freshIdNumber();
  const { id, reference } = await submitThroughApi(page, idNumber);

  await page.goto(`/retrofit/applications/${id}`);
  await appReady(page);
  await expect(page.getByRole('heading', { name: '谁查看了您的信息' })).toBeVisible();
  await expect(page.getByText('还没有工作人员查看过您的申请。')).toBeVisible();

  const streetContext = await browser.newContext();
  const street = await streetContext.newPage();
  await signIn(street, '13800000004', 'anju-street-2026');
  await expect(street).toHaveURL(/\/desk$/);
  await street.goto(`/retrofit/applications/${id}`);
  await appReady(street);
  await street.getByRole('button', { name: /显示完整号码/ }).click();
  await expect(street.getByText(idNumber)).toBeVisible();

  // The family's page says which office, what it looked at and when — never a staff name.
  await page.reload();
  await appReady(page);
  const log = page.getByRole('region', { name: '谁查看了您的信息' });
  await expect(log.getByRole('listitem').filter({ hasText: '街道办事处 查看了您的申请 ·' })).toHaveCount(1);
  await expect(log.getByRole('listitem').filter({ hasText: '街道办事处 查看了完整的身份证号 ·' })).toHaveCount(1);
  await expect(log).not.toContainText('陈明');
  await expectAccessible(page);

  const countyContext = await browser.newContext();
  const county = await countyContext.newPage();
  await signIn(county, '13800000007', 'anju-county-2026');
  await expect(county).toHaveURL(/\/desk$/);
  await county.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '审计记录' }).click();
  await expect(heading(county)).toHaveText('审计记录');
  await appReady(county);
  await county.getByLabel('编号或对象').fill(reference);
  await county.getByLabel('操作', { exact: true }).selectOption({ label: '查看完整身份证号' });
  await county.getByRole('button', { name: '查询' }).click();
  const rows = county.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText('陈明（湖滨街道）');
  await expect(rows.nth(1)).toContainText('查看完整身份证号');
  await expect(rows.nth(1)).toContainText(reference);
  await expect(county.getByRole('link', { name: '导出 CSV' })).toHaveAttribute('href', new RegExp(`subject=${reference}.*format=csv`));
  await expectAccessible(county);

  // A reference that does not exist is said next to the field.
  await county.getByLabel('编号或对象').fill('SL-0000-000000');
  await county.getByRole('button', { name: '查询' }).click();
  await expect(county.getByText('没有找到这个编号的事项或申请').first()).toBeVisible();
  await expectAccessible(county);

  // Residents have no way in.
  await page.goto('/admin/audit');
  await appReady(page);
  await expect(heading(page)).not.toHaveText('审计记录');
  await Promise.all([streetContext.close(), countyContext.close()]);
});
