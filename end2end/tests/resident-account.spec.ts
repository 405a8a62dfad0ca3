import { expect } from '@playwright/test';
import { appReady, PASSWORD, fillSmsCode, freshPhone, register, signIn, signOut, test, expectAccessible, textsTo } from './support';

test('home page shows the three services, sign-in and registration in Chinese', async ({ page }) => {
  await page.goto('/');
  await appReady(page);
  await expect(page).toHaveTitle(/安居/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('您好，欢迎使用安居');
  for (const name of ['居家适老化改造', '物业投诉与咨询', '满意度调查']) {
    await expect(page.getByRole('link', { name })).toBeVisible();
  }
  await expect(page.getByRole('navigation').getByRole('link', { name: '登录' })).toBeVisible();
  await expect(page.getByRole('navigation').getByRole('link', { name: '注册' })).toBeVisible();
  await expect(page.getByRole('button', { name: '长辈版' })).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('link', { name: '物业投诉与咨询' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('物业投诉与咨询');
  await expectAccessible(page);
});

test('register, sign out, sign in again', async ({ page }) => {
  const phone = freshPhone();
  await page.goto('/register');
  await appReady(page);
  await expectAccessible(page);
  await register(page, phone);
  await expect(page.getByTestId('role')).toHaveText('居民');
  await expect(page.getByTestId('jurisdiction')).toContainText('柳岸社区');
  await expect(page.getByText(`${phone.slice(0, 3)}****${phone.slice(7)}`, { exact: true })).toBeVisible();
  await expectAccessible(page);

  await signOut(page);
  await expectAccessible(page);
  await signIn(page, phone);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId('role')).toHaveText('居民');
});

test('registration errors are listed, linked to their fields and keep what was typed', async ({ page }) => {
  await page.goto('/register');
  await appReady(page);
  await page.getByLabel('手机号').fill('12345');
  await page.getByLabel('设置密码').fill('12345678');
  await page.getByRole('button', { name: '注册' }).click();
  const summary = page.getByRole('alert');
  await expect(summary).toBeVisible();
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link', { name: '手机号应为 11 位数字' })).toHaveAttribute('href', '#phone');
  await expect(summary.getByRole('link', { name: /太常见/ })).toBeVisible();
  await expect(summary.getByRole('link', { name: '请选择您住的社区' })).toHaveAttribute('href', '#community');
  await expect(page.getByLabel('手机号')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('手机号')).toHaveValue('12345');
  await expectAccessible(page);
});

test('a registered phone number is refused with a message on the phone field', async ({ page }, testInfo) => {
  // Demo accounts, one per project: their numbers have an account but no code was texted to
  // them yet, so the code can be asked for at once.
  const phone = testInfo.project.name === 'phone' ? '13800000001' : '13800000002';
  await page.goto('/register');
  await appReady(page);
  await page.getByLabel('手机号').fill(phone);
  // Only someone holding the number learns that it already has an account.
  await fillSmsCode(page, phone);
  await page.getByLabel('设置密码').fill(PASSWORD);
  await page.getByLabel('您的称呼').fill('李叔叔');
  await page.getByLabel('所在社区').selectOption({ label: '新桥社区' });
  await page.getByLabel('楼栋').selectOption({ label: '2号楼' });
  await page.getByLabel('单元').fill('1');
  await page.getByLabel('门牌号').fill('101');
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page.locator('#phone-error')).toContainText('已经注册');
});

test('a wrong password says so without revealing whether the number exists', async ({ page }) => {
  await signIn(page, '13800000001', 'not the password');
  await expect(page.getByRole('alert')).toContainText('手机号或密码不正确');
  await expect(page).toHaveURL(/\/sign-in$/);
  await expectAccessible(page);
});

test('from the third wrong password the page says how many tries are left and how long the pause is', async ({ page }) => {
  const phone = freshPhone();
  await register(page, phone);
  await signOut(page);
  await signIn(page, phone, 'wrong once');
  await expect(page.getByRole('alert')).toContainText('手机号或密码不正确');
  await expect(page.getByRole('alert')).not.toContainText('再错');
  await signIn(page, phone, 'wrong twice');
  await expect(page.getByRole('alert')).toContainText('手机号或密码不正确');
  await expect(page.getByRole('alert')).not.toContainText('再错');
  await signIn(page, phone, 'wrong three times');
  await expect(page.getByRole('alert')).toContainText('再错 1 次，要等 30 秒才能再试');
  await expectAccessible(page);
  // The one try left still works with the right password.
  await signIn(page, phone);
  await expect(page).toHaveURL(/\/account$/);
});

test('the community office resets a password after an in-person check, and the resident signs in with it', async ({ page, browser }) => {
  const phone = freshPhone();
  await register(page, phone);
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await signIn(staff, '13800000003', 'anju-community-2026');
  await expect(staff).toHaveURL(/\/desk$/);
  await staff.goto('/account');
  await appReady(staff);
  await staff.getByRole('link', { name: '为居民重设密码' }).click();
  await appReady(staff);
  await staff.getByLabel('居民注册用的手机号').fill(phone);
  await staff.getByLabel('如何核实了本人身份').fill('本人到场，核对身份证原件');
  await expectAccessible(staff);
  await staff.getByRole('button', { name: '重设密码' }).click();
  const temporary = (await staff.locator('.panel-result strong').innerText()).trim();
  expect(temporary).toMatch(/^[a-z2-9]{10}$/);
  await staffContext.close();
  // The resident's own session ended with the reset; the one-off password works.
  await page.goto('/account');
  await expect(page).toHaveURL(/\/sign-in/);
  await signIn(page, phone, temporary);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('alert')).toContainText('临时密码');
  await page.getByLabel('现在的密码').fill(temporary);
  await page.getByLabel('新密码').fill('willow by the lake 2026');
  await page.getByRole('button', { name: '修改密码' }).click();
  await expect(page.getByText('已退出其他设备上的登录')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('a step on a complaint reaches the resident by text, and the resident chooses how to be told', async ({ page, browser }) => {
  const CLIENT = { 'x-anju-client': '1' };
  const phone = freshPhone();
  await register(page, phone);
  // Texts are on for residents unless they switch them off; in-app messages always.
  const byText = page.getByLabel(/短信，发到/);
  await expect(page.getByRole('heading', { name: '消息提醒' })).toBeVisible();
  await expect(byText).toBeChecked();
  await expect(page.getByText('所有提醒都会出现在“消息”里')).toBeVisible();
  await expect(page.getByText('本系统暂未开通电子邮件提醒。')).toBeVisible();
  await expectAccessible(page);

  const filed = await page.request.post('/api/cases', {
    headers: CLIENT,
    data: { client_key: `e2e-text-${Date.now()}`, category: 'home-repair', description: '楼道灯不亮' },
  });
  expect(filed.status()).toBe(201);
  const { id, reference } = await filed.json();
  const office = await browser.newContext();
  const signedIn = await office.request.post('/api/auth/sign-in', {
    headers: CLIENT,
    data: { phone: '13800000003', password: 'anju-community-2026' },
  });
  expect(signedIn.status()).toBe(200);
  const acted = await office.request.post(`/api/cases/${id}/actions`, { headers: CLIENT, data: { action: 'acknowledge' } });
  expect(acted.status()).toBe(200);
  await office.close();

  // The outbox sends it within seconds: short, signed, naming the complaint.
  await expect
    .poll(async () => (await textsTo(phone)).map(t => t.text).find(t => t.includes(reference)) ?? '', { timeout: 20_000 })
    .toMatch(/^【安居】/);
  await page.reload();
  await appReady(page);
  const sent = page.getByTestId('deliveries').getByRole('listitem').first();
  await expect(sent).toContainText('短信 · 已发出');
  await expect(sent).toContainText(reference);
  await expectAccessible(page);

  // Texts off, saved, and still off after a reload.
  await page.getByLabel(/短信，发到/).uncheck();
  await page.getByRole('button', { name: '保存提醒方式' }).click();
  await expect(page.getByRole('status').filter({ hasText: '提醒方式已保存。' })).toBeVisible();
  await page.reload();
  await appReady(page);
  await expect(page.getByLabel(/短信，发到/)).not.toBeChecked();
});
