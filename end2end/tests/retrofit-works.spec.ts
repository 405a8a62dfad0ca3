import { expect } from '@playwright/test';
import { appReady, expectAccessible, freshPhone, PHOTO, register, test } from './support';
import { signedHousehold, signedIn } from './retrofit-support';

// The county assigns a signed household to its construction company on the county page; the
// contractor, on a phone at the site, is told what is missing before starting, photographs
// each item before and after and the cleared site, and finishes; the elder follows each item.
test('a contractor photographs each item before and after on a phone, and the family follows the works', async ({ page, browser }) => {
  test.setTimeout(240_000);
  await register(page, freshPhone());
  const { id, reference, offices } = await signedHousehold(page, browser);
  const [street, county] = offices;

  await county.goto('/county/retrofit');
  await appReady(county);
  await county.locator(`#company-for-${id}`).selectOption({ label: '滨湖适老化施工队' });
  await county.getByRole('button', { name: new RegExp(`分配\\s*${reference}`) }).click();
  await expect(county.locator(`#company-for-${id}`)).toHaveValue(/\d+/);
  await expect.poll(async () => (await (await county.request.get(`/api/retrofit/applications/${id}`)).json()).works?.org_name).toBe('滨湖适老化施工队');
  await expectAccessible(county);

  const builder = await signedIn(browser, '13800000006', 'anju-contractor-2026', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await builder.goto('/works');
  await appReady(builder);
  await expect(builder.getByRole('heading', { level: 1, name: '我的施工家庭' })).toBeVisible();
  await expectAccessible(builder);
  await builder.getByRole('link', { name: new RegExp(reference) }).click();
  await expect(builder.getByRole('heading', { level: 2, name: '施工进度' })).toBeVisible();
  // The builder sees the home, never the elder's ID number.
  await expect(builder.getByText('身份证')).toHaveCount(0);
  // Starting before the photos: refused, and the page lists what each item lacks.
  await expect(builder.getByRole('region', { name: '开工前还需要：' })).toContainText('1. 安装扶手 — 施工前照片');
  await builder.getByRole('button', { name: '开工' }).click();
  await expect(builder.getByRole('alert').first()).toContainText('每一项都要有施工前的照片');

  await builder.getByLabel('拍施工前照片 1. 安装扶手').setInputFiles(PHOTO);
  await expect(builder.getByRole('img', { name: '施工前照片 1' })).toHaveCount(1);
  await builder.getByLabel('拍施工前照片 2. 配置淋浴椅').setInputFiles(PHOTO);
  await expect(builder.getByRole('img', { name: '施工前照片 1' })).toHaveCount(2);
  await expect(builder.getByRole('region', { name: '开工前还需要：' })).toHaveCount(0);
  const start = builder.getByRole('button', { name: '开工' });
  expect((await start.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  await start.click();
  await expect(builder.getByText('施工中').first()).toBeVisible();

  await builder.getByLabel('拍施工后照片 1. 安装扶手').setInputFiles(PHOTO);
  await expect(builder.getByRole('img', { name: '施工后照片 1' })).toHaveCount(1);
  await expect(builder.getByRole('region', { name: '完工前还需要：' })).toContainText('2. 配置淋浴椅 — 施工后照片');
  await builder.getByLabel('拍施工后照片 2. 配置淋浴椅').setInputFiles(PHOTO);
  await expect(builder.getByRole('img', { name: '施工后照片 1' })).toHaveCount(2);
  await builder.getByLabel('拍场地清理照片').setInputFiles(PHOTO);
  await expect(builder.getByRole('img', { name: '场地清理照片 1' })).toBeVisible();
  await expectAccessible(builder);
  await builder.getByRole('button', { name: '完工，请街道验收' }).click();
  await expect(builder.getByText('已完工，待街道验收').first()).toBeVisible();

  // The elder follows each item with its photos; the street office is told.
  await page.goto(`/retrofit/applications/${id}`);
  await appReady(page);
  await expect(page.getByText('施工已完成。接下来街道办事处会上门逐项验收。')).toBeVisible();
  const works = page.getByRole('region', { name: '施工进度' });
  await expect(works.getByRole('listitem').filter({ hasText: '1. 安装扶手' }).getByText('已完工')).toBeVisible();
  await expect(works.getByRole('img', { name: '施工后照片 1' })).toHaveCount(2);
  await expect(works.getByLabel('拍施工后照片 1. 安装扶手')).toHaveCount(0);
  await expectAccessible(page);
  await street.goto('/notifications');
  await appReady(street);
  await expect(street.getByText(`施工完成了（申请 ${reference}）`)).toBeVisible();
  await Promise.all([...offices.map((p) => p.context().close()), builder.context().close()]);
});
