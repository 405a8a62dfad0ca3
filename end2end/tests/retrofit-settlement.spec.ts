import { expect } from '@playwright/test';
import { appReady, expectAccessible, freshPhone, PHOTO, register, test } from './support';
import { acceptedHousehold, signedIn } from './retrofit-support';

// After acceptance (item 1 passed, item 2 not carried out): the county settles the household
// on its page — only item 1 can be — records the payment with its voucher, and downloads the
// year's settlement list; the elder, on a phone, confirms the acceptance and files a warranty
// claim with a photo; the builder finds it on the warranty list and answers; the elder reads
// the answer.
test('the county settles what passed and downloads the list; the family files a warranty claim and the builder answers', async ({ page, browser }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await register(page, freshPhone());
  const { id, reference, offices, builder } = await acceptedHousehold(page, browser, [
    { line: 1, verdict: 'passed' },
    { line: 2, verdict: 'not_done', note: '老人不要淋浴椅' },
  ]);
  const [street, county] = offices;

  await county.goto(`/retrofit/applications/${id}`);
  await appReady(county);
  const settlement = county.getByRole('region', { name: '补贴结算' });
  await expect(settlement.getByRole('row').filter({ hasText: '2. 配置淋浴椅' })).toContainText('验收未通过（未实施）');
  await expect(settlement.getByLabel('2. 配置淋浴椅')).toHaveCount(0);
  await expect(settlement.getByLabel('1. 安装扶手')).toBeChecked();
  await expectAccessible(county);
  await settlement.getByRole('button', { name: '确认结算' }).click();
  await expect(settlement.getByRole('row').filter({ hasText: '1. 安装扶手' })).toContainText('已结算');
  await expect(county.getByText('补贴已结算，质保中').first()).toBeVisible();

  // A payment without its voucher is refused by name; with it, recorded and paid in full.
  const payment = county.getByRole('form', { name: '登记付款' });
  await payment.getByRole('button', { name: '登记付款' }).click();
  await expect(county.getByRole('alert').first()).toContainText('请填写凭证号');
  await payment.getByLabel('凭证号').fill(`记-${reference}`);
  await payment.getByRole('button', { name: '登记付款' }).click();
  await expect(settlement.getByRole('listitem').filter({ hasText: `记-${reference}` })).toBeVisible();
  await expect(county.getByRole('form', { name: '登记付款' })).toHaveCount(0);

  await county.goto('/county/settlement');
  await appReady(county);
  await expect(county.getByRole('heading', { level: 1, name: '补贴结算表' })).toBeVisible();
  await expect(county.getByRole('row').filter({ hasText: reference })).toContainText(`记-${reference}`);
  await expectAccessible(county);
  const [download] = await Promise.all([
    county.waitForEvent('download'),
    county.getByRole('link', { name: '下载结算表（Excel）' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^retrofit-settlement-\d+-\d{4}\.xlsx$/);

  // The elder reports a loose grab bar: an empty claim is refused, a described one goes out.
  await page.goto(`/retrofit/applications/${id}`);
  await appReady(page);
  // First her word on the visit: all is well.
  const answer = page.getByRole('region', { name: '家属对验收结果的意见' });
  await answer.getByRole('button', { name: '验收结果没问题' }).click();
  await expect(page.getByRole('region', { name: '家属对验收结果的意见' })).toContainText('家属确认验收结果没问题');
  const warranty = page.getByRole('region', { name: '质保和报修' });
  await expect(warranty).toContainText('质保到');
  await warranty.getByRole('button', { name: '提交报修' }).click();
  await expect(page.getByRole('alert').first()).toContainText('请写下哪里坏了');
  await warranty.getByLabel('哪里有问题').fill('卫生间的扶手松了，一摇就晃');
  await warranty.getByRole('button', { name: '提交报修' }).click();
  const claim = warranty.getByRole('listitem').filter({ hasText: '卫生间的扶手松了' });
  await expect(claim).toContainText('等待施工单位答复');
  await claim.getByLabel(/添加照片/).setInputFiles(PHOTO);
  await expect(warranty.getByRole('img', { name: '报修照片 1' })).toBeVisible();
  await expectAccessible(page);

  // The builder finds it on the warranty list and answers on the household's page.
  await builder.goto('/warranty');
  await appReady(builder);
  await expect(builder.getByRole('heading', { level: 1, name: '质保报修' })).toBeVisible();
  await expectAccessible(builder);
  await builder.getByRole('link', { name: new RegExp(reference) }).first().click();
  const answering = builder.getByRole('region', { name: '质保和报修' });
  await answering.getByLabel('处理结果或上门时间').fill('明天上午十点上门重新固定');
  await answering.getByRole('button', { name: '发送答复' }).click();
  await expect(answering.getByText('施工单位的答复')).toBeVisible();

  // Not overdue: the street office's overdue view does not list it.
  await street.goto('/warranty');
  await appReady(street);
  await expect(street.getByLabel('只看超时未答复的')).toBeChecked();
  await expect(street.getByRole('link', { name: new RegExp(reference) })).toHaveCount(0);
  await expectAccessible(street);

  await page.reload();
  await appReady(page);
  await expect(page.getByText('明天上午十点上门重新固定')).toBeVisible();
  await Promise.all([...offices.map((p) => p.context().close()), builder.context().close()]);
});

// The province office reads every county's numbers (the chart's numbers also as text) and
// downloads the report; it has no county pages.
test('the province office reads the annual report and downloads it', async ({ browser }) => {
  const province = await signedIn(browser, '13800000009', 'anju-province-2026');
  await province.goto('/retrofit/report');
  await appReady(province);
  await expect(province.getByRole('heading', { level: 1, name: '改造年度报表' })).toBeVisible();
  const county = province.getByRole('region', { name: '滨湖区' });
  await expect(county.getByRole('list', { name: '滨湖区 各环节户数' }).getByRole('listitem').first()).toContainText(/\d+$/);
  await expect(county.getByRole('region', { name: '滨湖区 各街道' }).getByRole('rowheader').first()).toBeVisible();
  // Each bar is as long as its number against the largest (a stage with none has no bar).
  const bars = await county.getByRole('list', { name: '滨湖区 各环节户数' }).evaluate((list) =>
    [...list.querySelectorAll('.bars__row')].map((row) => ({
      value: Number(row.querySelector('.bars__value')!.textContent),
      bar: row.querySelector('.bars__bar')!.getBoundingClientRect().width,
      track: row.querySelector('.bars__track')!.getBoundingClientRect().width,
    })));
  const most = Math.max(1, ...bars.map((b) => b.value));
  for (const b of bars) expect(Math.abs(b.bar - (b.track * Math.floor((b.value * 100) / most)) / 100)).toBeLessThan(1.5);
  await expectAccessible(province);
  const [download] = await Promise.all([
    province.waitForEvent('download'),
    province.getByRole('link', { name: '下载年度报表（Excel）' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^retrofit-report-\d{4}\.xlsx$/);
  await province.goto('/county/retrofit');
  await appReady(province);
  await expect(province.getByRole('heading', { level: 1, name: '没有权限' })).toBeVisible();
  await province.context().close();
});
