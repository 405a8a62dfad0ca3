import { expect } from '@playwright/test';
import { appReady, expectAccessible, freshPhone, PASSWORD, PDF, PHOTO, PHOTO_2, register, test } from './support';
import { beijingDay, signedHousehold, signedIn } from './retrofit-support';

// The county assigns a signed household to its construction company on the county page; the
// contractor, on a phone, offers the construction contract with the works' dates and the elder
// signs it on her page; at the site he is told what is missing before starting, photographs
// each item before and after and the cleared site, and finishes; the street office passes one
// item and sends one back, the contractor redoes it, the second visit accepts the household;
// the elder follows each item and sees the warranty start.
test('a contractor photographs each item on a phone, the street office sends one back at acceptance, and the family follows it', async ({ page, browser }) => {
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
  // Starting before the contract and the photos: refused, and the page lists what is missing.
  const toStart = builder.getByRole('region', { name: '开工前还需要：' });
  await expect(toStart).toContainText('施工合同双方签字');
  await expect(toStart).toContainText('1. 安装扶手 — 施工前照片');
  await builder.getByRole('button', { name: '开工' }).click();
  await expect(builder.getByRole('alert').first()).toContainText('施工合同要由施工单位和老人');

  // The builder agrees the dates with the family and offers the contract, signing with his
  // typed name; a start date in the past is refused by name first.
  const offer = builder.getByRole('form', { name: '约定日期并签署施工合同' });
  await offer.getByLabel('开工日期').fill(beijingDay(-1));
  await offer.getByLabel('完工日期').fill(beijingDay(4));
  await offer.getByLabel('我已阅读并同意施工合同').check();
  await offer.getByLabel('登录密码').fill('anju-contractor-2026');
  await offer.getByLabel('您的姓名').fill('赵施工');
  await offer.getByRole('button', { name: '签字并发给家属' }).click();
  await expect(builder.getByRole('alert').first()).toContainText('开工日期不能早于今天');
  await offer.getByLabel('开工日期').fill(beijingDay(1));
  await offer.getByLabel('登录密码').fill('anju-contractor-2026');
  await offer.getByRole('button', { name: '签字并发给家属' }).click();
  const contract = builder.getByRole('region', { name: '施工合同', exact: true });
  await expect(contract.getByText('老人或家属（甲方）')).toBeVisible();
  await expect(contract.getByText('还没有签字')).toBeVisible();
  await expectAccessible(builder);

  // The elder is told the dates and signs the contract on her page, drawing on the pad.
  await page.goto('/notifications');
  await appReady(page);
  await expect(page.getByText(`约定 ${beijingDay(1)} 至 ${beijingDay(4)} 施工`)).toBeVisible();
  await page.goto(`/retrofit/applications/${id}`);
  await appReady(page);
  const signing = page.getByRole('form', { name: '签署施工合同' });
  await expect(page.getByRole('region', { name: '施工合同', exact: true })).toContainText(beijingDay(1));
  await signing.getByLabel('我已阅读并同意施工合同').check();
  await signing.getByLabel('登录密码').fill(PASSWORD);
  const pad = signing.getByRole('img', { name: '手写签名框' });
  // The pad is far down the page: the mouse only draws where the viewport shows it.
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) {
    await page.mouse.move(box.x + 20 + i * 14, box.y + box.height / 2 + (i % 2 ? -25 : 25), { steps: 3 });
  }
  await page.mouse.up();
  await expectAccessible(page);
  await signing.getByRole('button', { name: '签署施工合同' }).click();
  await expect(page.getByRole('region', { name: '施工合同', exact: true }).getByText('验证码')).toBeVisible();
  await page.getByRole('link', { name: '查看施工合同签署证明' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '施工合同签署证明' })).toBeVisible();
  await expect(page.getByRole('img', { name: '手写签名' })).toBeVisible();
  await expect(page.getByText('赵*工').first()).toBeVisible();
  await expectAccessible(page);

  await builder.reload();
  await appReady(builder);
  await expect(builder.getByRole('region', { name: '开工前还需要：' })).not.toContainText('施工合同双方签字');

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

  // The street office is told and comes to the home: it passes item 1 and sends item 2 back.
  await street.goto('/notifications');
  await appReady(street);
  await expect(street.getByText(`施工完成了（申请 ${reference}）`)).toBeVisible();
  await street.goto(`/retrofit/applications/${id}`);
  await appReady(street);
  const visit = street.getByRole('region', { name: '逐项验收' });
  await visit.getByRole('group', { name: '1. 安装扶手' }).getByLabel('合格').check();
  await visit.getByRole('button', { name: '提交验收结果' }).click();
  await expect(street.getByRole('alert').first()).toContainText('请对每一项都选择');
  await visit.getByRole('group', { name: '2. 配置淋浴椅' }).getByLabel('需要返工').check();
  await visit.getByLabel('问题和返工要求 2. 配置淋浴椅').fill('椅脚不稳，请更换防滑脚垫');
  // A photo of what is wrong, sent at once; what was already chosen in the form stays.
  await visit.getByLabel('拍验收照片 2. 配置淋浴椅').setInputFiles(PHOTO_2);
  await expect(visit.getByRole('img', { name: '验收照片 1' })).toBeVisible();
  await expect(visit.getByLabel('问题和返工要求 2. 配置淋浴椅')).toHaveValue('椅脚不稳，请更换防滑脚垫');
  await expectAccessible(street);
  await visit.getByRole('button', { name: '提交验收结果' }).click();
  await expect(street.getByText('施工中').first()).toBeVisible();

  // The contractor reads why, photographs the redone item and finishes again.
  await builder.reload();
  await appReady(builder);
  await expect(builder.getByText('椅脚不稳，请更换防滑脚垫')).toBeVisible();
  await expect(builder.getByRole('img', { name: '验收照片 1' })).toBeVisible();
  await expect(builder.getByRole('region', { name: '完工前还需要：' })).toContainText('2. 配置淋浴椅 — 施工后照片');
  // The photo from before proves nothing: refused, saying so.
  await builder.getByLabel('拍施工后照片 2. 配置淋浴椅').setInputFiles(PHOTO);
  await expect(builder.getByRole('alert').filter({ hasText: '返工前已经上传过' })).toBeVisible();
  await builder.getByLabel('拍施工后照片 2. 配置淋浴椅').setInputFiles(PHOTO_2);
  await expect(builder.getByRole('region', { name: '完工前还需要：' })).toHaveCount(0);
  await builder.getByRole('button', { name: '完工，请街道验收' }).click();
  await expect(builder.getByText('已完工，待街道验收').first()).toBeVisible();

  // Second visit: everything passes.
  await street.reload();
  await appReady(street);
  for (const item of ['1. 安装扶手', '2. 配置淋浴椅']) {
    await visit.getByRole('group', { name: item }).getByLabel('合格').check();
  }
  await visit.getByRole('button', { name: '提交验收结果' }).click();
  await expect(street.getByText('验收合格，质保中').first()).toBeVisible();
  // The supervisor's report arrives as a PDF; the street office files it with the works.
  await street.getByLabel('添加或更换监理报告').setInputFiles(PDF);
  await expect(street.getByRole('link', { name: '打开监理报告' })).toBeVisible();
  await expectAccessible(street);

  // The elder follows each item with its photos, and knows the warranty has started.
  await page.goto(`/retrofit/applications/${id}`);
  await appReady(page);
  await expect(page.getByText('验收合格。质保从验收合格之日开始')).toBeVisible();
  const works = page.getByRole('region', { name: '施工进度' });
  await expect(works.getByRole('listitem').filter({ hasText: '1. 安装扶手' }).getByText('已完工')).toBeVisible();
  await expect(works.getByText('验收合格日期：')).toBeVisible();
  await expect(works.getByRole('link', { name: '打开监理报告' })).toBeVisible();
  await expect(works.getByLabel('添加或更换监理报告')).toHaveCount(0);
  await expect(works.getByLabel('拍施工后照片 1. 安装扶手')).toHaveCount(0);
  await expectAccessible(page);
  await Promise.all([...offices.map((p) => p.context().close()), builder.context().close()]);
});
