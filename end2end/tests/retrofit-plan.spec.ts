import { expect, type Browser, type Page } from '@playwright/test';
import { appReady, expectAccessible, freshPhone, linkGuardian, PASSWORD, PHOTO, register, test, chooseElderMode } from './support';
import { assessedHousehold, recordEverything, signedIn } from './retrofit-support';

const headers = { 'x-anju-client': '1' };

// The assessor writes the plan from the county's catalogue and sends it; the elder's son, her
// guardian, reads on his phone in 长辈版 what will be done and what they pay, and signs it by
// drawing on the screen; the certificate prints on one A4 page; anyone can check its code.
test('the assessor proposes a plan, the guardian signs it in 长辈版 by drawing, the certificate prints and its code checks out', async ({ page, browser }) => {
  test.setTimeout(240_000);
  await register(page, freshPhone());
  const { id, reference, countyId, offices } = await assessedHousehold(page, browser);
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const son = await phone.newPage();
  const sonPhone = freshPhone();
  await register(son, sonPhone);
  await linkGuardian(page, son, sonPhone);
  const assessor = await signedIn(browser, '13800000005', 'anju-assessor-2026');
  await recordEverything(assessor, id);

  // The assessor writes the plan: grab bars and a shower chair; the other basic items are
  // not needed in this home, each with why.
  await assessor.goto(`/retrofit/applications/${id}`);
  await appReady(assessor);
  await assessor.getByRole('link', { name: '编写改造方案' }).click();
  await expect(assessor.getByRole('heading', { level: 1, name: '改造方案' })).toBeVisible();
  await assessor.getByRole('button', { name: '添加一项' }).click();
  await assessor.getByLabel('项目', { exact: true }).nth(0).selectOption('13');
  await assessor.getByLabel('位置', { exact: true }).nth(0).selectOption('bathroom');
  await assessor.getByLabel('数量', { exact: true }).nth(0).fill('3');
  await assessor.getByRole('button', { name: '添加一项' }).click();
  await assessor.getByLabel('项目', { exact: true }).nth(1).selectOption('17');
  await assessor.getByLabel('位置', { exact: true }).nth(1).selectOption('bathroom');
  await assessor.getByLabel('数量', { exact: true }).nth(1).fill('1');
  // And night lights in the corridor, which the household pays for itself (an optional item).
  await assessor.getByRole('button', { name: '添加一项' }).click();
  await assessor.getByLabel('项目', { exact: true }).nth(2).selectOption('20');
  await assessor.getByLabel('位置', { exact: true }).nth(2).selectOption('corridor');
  await assessor.getByLabel('数量', { exact: true }).nth(2).fill('2');
  // An optional item before every basic item is settled: sending says what is missing.
  await assessor.getByRole('button', { name: '提交给家属签字' }).click();
  await expect(assessor.getByRole('alert')).toContainText('先安排基础类项目');
  for (const [label, reason] of [['1. 防滑处理', '地面已是防滑砖'], ['2. 高差处理', '家里没有高差'], ['11. 安装床边护栏（抓杆）', '老人自己能起床'], ['24. 手杖', '已有手杖'], ['29. 防走失装置', '老人不会走失']]) {
    await assessor.getByLabel(label, { exact: true }).fill(reason);
  }
  const preview = assessor.getByRole('region', { name: '家属看到的方案' });
  // Priced from the county's catalogue as it is now (another test reprices items): 3 bars and
  // a chair within their caps are subsidised; the household pays the two lights.
  const catalogue = await (await offices[1].request.get(`/api/retrofit/counties/${countyId}/catalogue`)).json();
  const item = (no: number) => catalogue.items.find((i: { no: number }) => i.no === no);
  const price = 3 * item(13).unit_price_fen + item(17).unit_price_fen + 2 * item(20).unit_price_fen;
  const subsidy = Math.min(3 * item(13).unit_price_fen, item(13).subsidy_cap_fen) + Math.min(item(17).unit_price_fen, item(17).subsidy_cap_fen);
  const yuan = (fen: number) => `${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')} 元`;
  for (const fen of [price, subsidy, price - subsidy]) {
    await expect(preview.getByRole('definition').filter({ hasText: yuan(fen) }).first()).toBeVisible();
  }
  await expectAccessible(assessor);
  await assessor.getByRole('button', { name: '提交给家属签字' }).click();
  await expect(assessor.getByText('等待签字').first()).toBeVisible();

  // The son, in 长辈版 on his phone, reads the plan.
  await son.goto('/account');
  await appReady(son);
  await chooseElderMode(son);
  await son.goto('/notifications');
  await appReady(son);
  await expect(son.getByText('评估人员提出了改造方案（第 1 版）')).toBeVisible();
  await son.goto(`/retrofit/applications/${id}`);
  await appReady(son);
  await son.getByRole('link', { name: '查看方案并签字' }).click();
  await expect(son.getByText('您需要自付')).toBeVisible();
  await expect(son.getByText('安装扶手').first()).toBeVisible();
  await expectAccessible(son);
  const start = son.getByRole('button', { name: '我看好了，去签字' });
  expect((await start.boundingBox())!.height).toBeGreaterThanOrEqual(60);
  await start.click();
  await expect(son.getByRole('heading', { name: '第 1 步：阅读协议' })).toBeFocused();
  await son.getByRole('button', { name: '下一步' }).click();
  await expect(son.getByRole('alert')).toContainText('我已阅读并同意');
  await son.getByLabel('我已阅读改造方案和协议，同意按这个方案改造').check();
  await son.getByRole('button', { name: '下一步' }).click();
  await expect(son.getByRole('heading', { name: '第 2 步：确认是您本人' })).toBeFocused();
  await son.getByLabel('密码', { exact: true }).fill('not his password');
  await son.getByRole('button', { name: '确认', exact: true }).click();
  await expect(son.getByRole('alert')).toContainText('密码不正确');
  await son.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await son.getByRole('button', { name: '确认', exact: true }).click();
  await expect(son.getByRole('heading', { name: '第 3 步：签名' })).toBeFocused();
  await expectAccessible(son);
  // An empty pad is refused; then he writes with his finger (a mouse here).
  await son.getByRole('button', { name: '确认签字' }).click();
  await expect(son.getByRole('alert')).toContainText('请在框里手写签名');
  const pad = son.getByRole('img', { name: '手写签名框' });
  const box = (await pad.boundingBox())!;
  await son.mouse.move(box.x + 20, box.y + box.height / 2);
  await son.mouse.down();
  for (let i = 1; i <= 20; i++) {
    await son.mouse.move(box.x + 20 + i * 14, box.y + box.height / 2 + (i % 2 ? -25 : 25), { steps: 3 });
  }
  await son.mouse.up();
  await son.getByRole('button', { name: '确认签字' }).click();
  await expect(son.getByRole('heading', { name: '签字完成' })).toBeFocused();
  const code = (await son.locator('.code').first().textContent())!.trim();
  expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);

  // The certificate: the drawn signature, the hash, the code; one A4 page in print.
  await son.getByRole('link', { name: '查看和打印签署证明' }).click();
  await expect(son.getByRole('heading', { name: '居家适老化改造方案签署证明' })).toBeVisible();
  await expect(son.getByRole('img', { name: '手写签名' })).toBeVisible();
  await expect(son.getByText(code)).toBeVisible();
  await expect(son.getByText(reference)).toBeVisible();
  await expect(son.getByText('监护人/代办家属（子女）')).toBeVisible();
  const hash = (await son.locator('.certificate__hash code').textContent())!.trim();
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  await expectAccessible(son);
  await son.emulateMedia({ media: 'print' });
  await expect(son.locator('.site-header')).toBeHidden();
  await expect(son.getByRole('button', { name: '打印' })).toBeHidden();
  await son.emulateMedia({ media: 'screen' });
  const printContext = await browser.newContext({ storageState: await phone.storageState() });
  const printed = await printContext.newPage();
  await printed.goto(`/retrofit/applications/${id}/plan/certificate`);
  await appReady(printed);
  await expect(printed.getByRole('img', { name: '手写签名' })).toBeVisible();
  const pdf = await printed.pdf({ format: 'A4' });
  expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length).toBe(1);

  // Anyone checks the code; the offices see the plan signed.
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto('/verify');
  await appReady(stranger);
  await stranger.getByLabel('验证码').fill(code.toLowerCase());
  await stranger.getByRole('button', { name: '核对' }).click();
  await expect(stranger.getByRole('heading', { name: '一致：方案和签字时完全相同' })).toBeVisible();
  await expect(stranger.getByText(hash)).toBeVisible();
  await expect(stranger.getByText('王阿姨')).toHaveCount(0);
  await expectAccessible(stranger);
  const [street] = offices;
  await street.goto(`/retrofit/applications/${id}`);
  await appReady(street);
  await expect(street.getByText('方案已签字，等待施工').first()).toBeVisible();
  await Promise.all([...offices.map((p) => p.context().close()), assessor.context().close(), phone.close(), printContext.close(), stranger.context().close()]);
});
