import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { appReady, freshPhone, register, signIn, tabTo, test, expectAccessible, chooseElderMode } from './support';

const heading = (page: Page) => page.getByRole('heading', { level: 1 });
const RATINGS = ['小区环境卫生', '安全秩序（门岗、巡逻）', '报修维修（速度和质量）', '绿化养护', '工作人员服务态度'];

/** Publish the property-service template for 柳岸社区 under a title no other test uses. */
async function publishSurvey(api: APIRequestContext): Promise<{ id: number; title: string }> {
  const headers = { 'x-anju-client': '1' };
  const communities = await (await api.get('/api/places/communities')).json();
  const community = communities.find((c: { name: string }) => c.name === '柳岸社区');
  const definition = await (await api.get('/api/surveys/template')).json();
  const title = `物业服务满意度调查 ${Date.now() % 100000}-${Math.floor(Math.random() * 1000)}`;
  definition.title = title;
  const created = await api.post('/api/surveys', { headers, data: { definition, community_ids: [community.id], opens_on: '2020-01-01', closes_on: '2099-12-31' } });
  expect(created.status()).toBe(201);
  const survey = await created.json();
  const published = await api.post(`/api/surveys/${survey.id}/publish`, { headers, data: {} });
  expect(published.status()).toBe(200);
  return { id: survey.id, title };
}

async function staffApi(playwright: { request: { newContext: (o: object) => Promise<APIRequestContext> } }, baseURL: string) {
  const api = await playwright.request.newContext({ baseURL });
  const r = await api.post('/api/auth/sign-in', { headers: { 'x-anju-client': '1' }, data: { phone: '13800000003', password: 'anju-community-2026' } });
  expect(r.status()).toBe(200);
  return api;
}

test('a resident answers a survey on a phone in 长辈版, one question per screen, and can change it', async ({ page, playwright, baseURL }) => {
  test.setTimeout(120_000);
  const api = await staffApi(playwright, baseURL!);
  const survey = await publishSurvey(api);
  await register(page, freshPhone());
  await chooseElderMode(page);
  await page.goto('/surveys');
  await appReady(page);
  await expectAccessible(page);
  await page.getByRole('link', { name: `开始填写 ${survey.title}` }).click();

  await expect(heading(page)).toHaveText(RATINGS[0]);
  await expectAccessible(page);
  await page.getByRole('button', { name: '继续' }).click();
  await expect(page.getByRole('alert')).toContainText(`请回答：${RATINGS[0]}`);
  for (const question of RATINGS) {
    await expect(heading(page)).toHaveText(question);
    await page.getByLabel('4 分', { exact: true }).check();
    await page.getByRole('button', { name: '继续' }).click();
  }
  await expect(heading(page)).toHaveText('总体上，您对物业服务满意吗？');
  await page.getByLabel('基本满意', { exact: true }).check();
  await page.getByRole('button', { name: '继续' }).click();
  await expect(heading(page)).toHaveText(/还有什么意见或建议？/);
  await expectAccessible(page);
  await page.getByRole('button', { name: '提交' }).click();
  await expect(heading(page)).toHaveText('已提交，谢谢您！');
  await expectAccessible(page);

  await page.goto('/surveys');
  await appReady(page);
  await page.getByRole('link', { name: `修改答案 ${survey.title}` }).click();
  await expect(page.getByText('您家已经填写过')).toBeVisible();
  await expect(page.getByLabel('4 分', { exact: true })).toBeChecked();
  const rows = await (await api.get(`/api/surveys/${survey.id}/responses`)).json();
  expect(rows.length).toBe(1);
  expect(rows[0].answers.overall).toBe('基本满意');
  expect(rows[0].satisfied).toBe(true);
  await api.dispose();
});

async function recordHousehold(page: Page, room: string) {
  await page.getByLabel('楼栋').selectOption({ label: '1号楼' });
  await page.getByLabel('单元').fill('9');
  await page.getByLabel('门牌号').fill(room);
  for (const question of RATINGS) {
    await page.getByRole('group', { name: question }).getByLabel('5 分（很满意）').check();
  }
  await page.getByRole('group', { name: '总体上，您对物业服务满意吗？' }).getByLabel('满意', { exact: true }).check();
  await page.getByRole('button', { name: '保存这一户' }).click();
  await expect(page.getByText(`已保存： 1号楼 9单元 ${room}`)).toBeVisible();
}

test.describe('with the service worker', () => {
  test.use({ serviceWorkers: 'allow' });

  test('a collector opens the page and records two households offline; both arrive once; the results show the rate and verdict', async ({ page, context }) => {
    test.setTimeout(120_000);
    await signIn(page, '13800000003', 'anju-community-2026');
    await expect(page).toHaveURL(/\/desk$/);
    const survey = await publishSurvey(page.request);
    await page.goto(`/surveys/${survey.id}/collect`);
    await appReady(page);
    await expect(page.getByLabel('楼栋').locator('option', { hasText: '1号楼' })).toHaveCount(1);
    await expectAccessible(page);

    // Opened once online, the page opens again without a network: the service worker has kept the
    // app and this page's code, the page has kept the survey and the buildings.
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await expect.poll(() => page.evaluate(async () => {
      for (const name of await caches.keys()) {
        const kept = await (await caches.open(name)).keys();
        if (kept.some(r => /split-staff-[0-9a-f]{16}\.wasm$/.test(r.url))) return true;
      }
      return false;
    })).toBe(true);
    await context.setOffline(true);
    await page.reload();
    await appReady(page);
    await expect(page.getByRole('status').filter({ hasText: '现在没有联网' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByLabel('楼栋').locator('option', { hasText: '1号楼' })).toHaveCount(1);
    const rooms = [String(100 + Math.floor(Math.random() * 400)), String(600 + Math.floor(Math.random() * 300))];
    await recordHousehold(page, rooms[0]);
    await expect(page.getByTestId('pending-count')).toHaveText('还有 1 户待发送');
    await recordHousehold(page, rooms[1]);
    await expect(page.getByTestId('pending-count')).toHaveText('还有 2 户待发送');
    await expectAccessible(page);
    // Still offline after a retry: nothing is lost, nothing is sent.
    await page.getByRole('button', { name: '立即发送' }).click();
    await expect(page.getByTestId('pending-count')).toHaveText('还有 2 户待发送');

    await context.setOffline(false);
    await expect(page.getByTestId('pending-count')).toHaveText('全部已发送', { timeout: 20_000 });
    await expect(page.getByRole('status').filter({ hasText: '现在没有联网' })).toHaveCount(0);
    // Sending again (as a flaky network would) changes nothing.
    await page.getByRole('button', { name: '立即发送' }).click();
    const rows = await (await page.request.get(`/api/surveys/${survey.id}/responses`)).json();
    expect(rows.map((r: { household: string }) => r.household).sort()).toEqual(rooms.map(r => `1号楼 9单元 ${r}`).sort());

    await page.goto(`/surveys/${survey.id}/results`);
    await appReady(page);
    // The rule is stated where the numbers are read.
    await expect(page.getByText(/上门调查的答卷经过审核/)).toBeVisible();
    await expect(page.getByText(/计入的答卷少于\s*30\s*份时/)).toBeVisible();
    const row = page.getByRole('row', { name: /柳岸社区/ });
    const cells = row.getByRole('cell');
    // Door-to-door records wait for review: apart, not in the rate.
    await expect(cells.nth(1)).toHaveText('0');
    await expect(cells.nth(3)).toHaveText('2');
    await expect(row).not.toContainText('✓ 达标');
    await expectAccessible(page);
    await page.getByRole('button', { name: /作废.*1号楼 9单元/ }).first().click();
    await expect(page.getByRole('alert')).toContainText('请写明问题或原因');
    for (const room of rooms) {
      await page.getByRole('button', { name: new RegExp(`^通过.*1号楼 9单元 ${room}$`) }).click();
      await expect(page.getByRole('listitem').filter({ hasText: `1号楼 9单元 ${room}` })).toContainText('已通过');
    }
    // Approved, they count: two happy households are 100 %, but too few for a verdict.
    await expect(cells.nth(1)).toHaveText('2');
    await expect(cells.nth(3)).toHaveText('0');
    await expect(row).toContainText('100.0%');
    await expect(row).toContainText('样本不足，暂不判定 (2/30)');
    await expect(row).not.toContainText('✓ 达标');
    const chart = page.getByRole('list', { name: '各社区满意率和目标' });
    await expect(chart).toContainText('100.0% 样本不足，暂不判定');
    // The chart's words are body text, never shrunk below 18 px.
    for (const part of [chart.locator('.meter__label').first(), chart.locator('.meter__value').first()]) {
      expect(await part.evaluate(el => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(18);
    }
    await expectAccessible(page);
  });
});

/** In a radio group (one Tab stop): Space takes the first answer, the arrow keys move on. */
async function chooseByKeyboard(page: Page, answer: string) {
  await tabTo(page, page.getByRole('radio').first());
  await page.keyboard.press('Space');
  for (let i = 0; i < 10 && !(await page.getByLabel(answer, { exact: true }).isChecked()); i++) {
    await page.keyboard.press('ArrowDown');
  }
  await expect(page.getByLabel(answer, { exact: true })).toBeChecked();
}

test('a resident answers a survey in 长辈版 with the keyboard alone', async ({ page, playwright, baseURL }) => {
  test.setTimeout(120_000);
  const api = await staffApi(playwright, baseURL!);
  const survey = await publishSurvey(api);
  await register(page, freshPhone());
  // One question per screen.
  await chooseElderMode(page);
  await page.goto('/surveys');
  await appReady(page);
  await tabTo(page, page.getByRole('link', { name: `开始填写 ${survey.title}` }));
  await page.keyboard.press('Enter');
  for (const question of RATINGS) {
    await expect(heading(page)).toHaveText(question);
    // Each new screen puts the focus on its heading first; the keyboard starts from there.
    await expect(heading(page)).toBeFocused();
    await chooseByKeyboard(page, '4 分');
    await tabTo(page, page.getByRole('button', { name: '继续' }));
    await page.keyboard.press('Enter');
  }
  await expect(heading(page)).toHaveText('总体上，您对物业服务满意吗？');
  await expect(heading(page)).toBeFocused();
  await chooseByKeyboard(page, '基本满意');
  await tabTo(page, page.getByRole('button', { name: '继续' }));
  await page.keyboard.press('Enter');
  await expect(heading(page)).toHaveText(/还有什么意见或建议？/);
  await expect(heading(page)).toBeFocused();
  await tabTo(page, page.getByRole('button', { name: '提交' }));
  await page.keyboard.press('Enter');
  await expect(heading(page)).toHaveText('已提交，谢谢您！');
  await api.dispose();
});
