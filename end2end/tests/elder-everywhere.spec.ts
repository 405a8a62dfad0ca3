import { chromium, expect, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { appReady, chooseElderMode, codeIn, expectAccessible, freshIdNumber, freshPhone, PASSWORD, register, tabTo, test, textsTo } from './support';

/**
 * The browser's speech synthesis, observed: what the page asks it to say is recorded (text and
 * language) and spoken out at a steady pace (this machine's headless Chromium has no voices).
 * Installed before the app starts, in place of `window.speechSynthesis`.
 */
function observeSpeech(voices: { lang: string; name: string }[]) {
  const w = window as unknown as Record<string, unknown>;
  const spoken: { text: string; lang: string }[] = [];
  const queue: SpeechSynthesisUtterance[] = [];
  let current: SpeechSynthesisUtterance | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const synth = {
    paused: false,
    cancelled: 0,
    get speaking() { return current !== null; },
    getVoices: () => voices,
    speak(u: SpeechSynthesisUtterance) { spoken.push({ text: u.text, lang: u.lang }); queue.push(u); pump(); },
    cancel() { synth.cancelled++; queue.length = 0; current = null; clearTimeout(timer); },
    pause() { synth.paused = true; },
    resume() { synth.paused = false; pump(); },
    addEventListener() {},
    removeEventListener() {},
  };
  function pump() {
    if (current || synth.paused || queue.length === 0) return;
    const u = queue.shift()!;
    current = u;
    u.onstart?.(new Event('start') as SpeechSynthesisEvent);
    timer = setTimeout(function finish() {
      if (synth.paused) { timer = setTimeout(finish, 100); return; }
      current = null;
      u.onend?.(new Event('end') as SpeechSynthesisEvent);
      pump();
    }, 1500);
  }
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
  w.__spoken = spoken;
  w.__speech = synth;
}

const spoken = (page: Page) => page.evaluate(() => (window as unknown as { __spoken: { text: string; lang: string }[] }).__spoken);

test('朗读 reads the page aloud in its language, shows the part being read, pauses and stops, and stops when the page changes', async ({ page }) => {
  await page.addInitScript(observeSpeech, [{ lang: 'zh-CN', name: '中文' }, { lang: 'en-US', name: 'English' }]);
  await page.goto('/retrofit/check');
  await appReady(page);
  const heading = await page.getByRole('heading', { level: 1 }).innerText();

  await page.getByRole('button', { name: '朗读' }).click();
  await expect.poll(async () => (await spoken(page)).length).toBeGreaterThan(1);
  const said = await spoken(page);
  expect(said[0]).toEqual({ text: heading, lang: 'zh-CN' });
  expect(said.every(s => s.lang === 'zh-CN')).toBe(true);
  // The controls themselves are not read.
  expect(said.some(s => s.text.includes('暂停朗读'))).toBe(false);
  // The part being read is marked and named above the page.
  await expect(page.locator('.read-aloud__current')).toHaveText(heading);
  await expect(page.getByText('正在朗读：')).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('button', { name: '暂停朗读' }).click();
  await expect(page.getByText('已暂停：')).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __speech: { paused: boolean } }).__speech.paused)).toBe(true);
  await page.getByRole('button', { name: '继续朗读' }).click();
  await expect(page.getByText('正在朗读：')).toBeVisible();
  await page.getByRole('button', { name: '停止' }).click();
  await expect(page.locator('.read-aloud__current')).toHaveCount(0);
  await expect(page.getByRole('button', { name: '朗读' })).toBeFocused();

  // In English the page is read with an English voice; moving to another page stops it.
  await page.getByRole('button', { name: 'English', exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('button', { name: 'Read aloud' }).click();
  await expect.poll(async () => (await spoken(page)).some(s => s.lang === 'en-US')).toBe(true);
  const english = (await spoken(page)).filter(s => s.lang === 'en-US');
  expect(english[0].text).toBe(await page.getByRole('heading', { level: 1 }).innerText());
  await expect(page.getByRole('button', { name: 'Pause reading' })).toBeVisible();
  const cancelledBefore = await page.evaluate(() => (window as unknown as { __speech: { cancelled: number } }).__speech.cancelled);
  await page.getByRole('link', { name: 'Home', exact: true }).click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __speech: { cancelled: number } }).__speech.cancelled)).toBeGreaterThan(cancelledBefore);
  await expect(page.getByRole('button', { name: 'Read aloud' })).toBeVisible();
  await expect(page.locator('.read-aloud__current')).toHaveCount(0);
});

test('朗读 says so where the browser has no voice for the page\'s language', async ({ page }) => {
  await page.addInitScript(observeSpeech, [{ lang: 'en-US', name: 'English only' }]);
  await page.goto('/');
  await appReady(page);
  await page.getByRole('button', { name: '朗读' }).click();
  await expect(page.getByRole('alert')).toContainText('没有可用的朗读语音');
  expect(await spoken(page)).toEqual([]);
  await expectAccessible(page);
});

test('signed in on a phone, the 长辈版 header keeps to a fifth of the screen and opens its menu', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'the compact header is for phone screens');
  await register(page, freshPhone());
  await chooseElderMode(page);
  const header = page.locator('header.site-header');
  const height = await header.evaluate(el => el.getBoundingClientRect().height);
  expect(height).toBeLessThanOrEqual(844 / 5);

  const menu = page.getByRole('button', { name: '菜单' });
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByRole('navigation', { name: '主导航' })).toBeHidden();
  expect(await menu.evaluate(el => el.getBoundingClientRect().height)).toBeGreaterThanOrEqual(60);
  await expectAccessible(page);

  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  const nav = page.getByRole('navigation', { name: '主导航' });
  await expect(nav).toBeVisible();
  await expect(page.getByRole('button', { name: 'English', exact: true })).toBeVisible();
  for (const link of await nav.getByRole('link').all()) {
    expect(await link.evaluate(el => el.getBoundingClientRect().height)).toBeGreaterThanOrEqual(60);
  }
  await expectAccessible(page);
  await nav.getByRole('link', { name: '投诉与咨询' }).click();
  await expect(page).toHaveURL(/\/complaints$/);
  // The menu closes on the new page, whose heading has the focus.
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
});

test('a complaint being written survives a reload and Back, and is gone once sent', async ({ page }) => {
  await register(page, freshPhone());
  await page.goto('/complaints/new');
  await appReady(page);
  await page.getByRole('button', { name: '小区公共部分维修' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('请说一说具体情况');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  const words = '楼道的灯坏了三天，晚上看不清台阶。';
  await page.getByLabel('发生了什么？').fill(words);

  await page.reload();
  await appReady(page);
  await expect(page.getByRole('status').filter({ hasText: '我们保留了您上次写下' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('请说一说具体情况');
  await expect(page.getByLabel('发生了什么？')).toHaveValue(words);
  await expectAccessible(page);

  // Away and Back again.
  await page.getByRole('link', { name: '首页' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goBack();
  await expect(page).toHaveURL(/\/complaints\/new$/);
  await expect(page.getByLabel('发生了什么？')).toHaveValue(words);

  await page.getByLabel('在小区公共区域').check();
  await page.getByLabel('具体地点').fill('3号楼楼道');
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('有照片吗？');
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByRole('button', { name: '确认提交' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('已提交');

  await page.goto('/complaints/new');
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('您要反映什么事？');
  await expect(page.getByText('我们保留了您上次写下')).toHaveCount(0);
});

test('a kept complaint can be discarded, and another account on the phone does not see it', async ({ page }) => {
  await register(page, freshPhone());
  await page.goto('/complaints/new');
  await appReady(page);
  await page.getByRole('button', { name: '小区公共部分维修' }).click();
  await page.getByLabel('发生了什么？').fill('电梯按钮不亮。');
  await page.reload();
  await appReady(page);
  await expect(page.getByLabel('发生了什么？')).toHaveValue('电梯按钮不亮。');
  await page.getByRole('button', { name: '清空，重新填写' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('您要反映什么事？');
  await page.reload();
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('您要反映什么事？');
  await expect(page.getByText('我们保留了您上次写下')).toHaveCount(0);

  await page.getByRole('button', { name: '小区公共部分维修' }).click();
  await page.getByLabel('发生了什么？').fill('只属于第一个账户的草稿');
  // Someone else signs up on the same phone.
  await page.context().clearCookies();
  await register(page, freshPhone());
  await page.goto('/complaints/new');
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('您要反映什么事？');
  await expect(page.getByText('我们保留了您上次写下')).toHaveCount(0);
});

test('a complaint can be filed with the keyboard alone', async ({ page }) => {
  await register(page, freshPhone());
  await page.goto('/complaints/new');
  await appReady(page);
  await tabTo(page, page.getByRole('button', { name: '小区公共部分维修' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('请说一说具体情况');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await tabTo(page, page.getByLabel('发生了什么？'));
  await page.keyboard.type('垃圾桶满了没人清。');
  // A shared-area repair starts in the shared area (a radio group is one Tab stop).
  await expect(page.getByLabel('在小区公共区域')).toBeChecked();
  await tabTo(page, page.getByLabel('具体地点'));
  await page.keyboard.type('2号楼东侧');
  await tabTo(page, page.getByRole('button', { name: '下一步' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('有照片吗？');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await tabTo(page, page.getByRole('button', { name: '下一步' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('什么时间方便联系您？');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await tabTo(page, page.getByRole('button', { name: '下一步' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('请核对您填写的内容');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await tabTo(page, page.getByRole('button', { name: '确认提交' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('已提交');
});

test.describe('with the service worker', () => {
  test.use({ serviceWorkers: 'allow' });

  test('the app passes Chromium\'s installability check', async ({ baseURL }) => {
    // Chromium offers no installing in an incognito-like context: a profile on disk.
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-install-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu'],
      baseURL,
    });
    const page = context.pages()[0] ?? await context.newPage();
    await page.goto('/');
    await appReady(page);
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    const cdp = await page.context().newCDPSession(page);
    await expect.poll(async () => (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors).toEqual([]);
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.errors).toEqual([]);
    await context.close();
  });
});

test('the eligibility check resumes after a reload, asking again only for the ID number', async ({ page }) => {
  await page.goto('/retrofit/check');
  await appReady(page);
  await page.getByRole('button', { name: '开始' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('老人的身份证号是多少？');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await expect(page).toHaveTitle(/^老人的身份证号是多少？ - 安居$/);
  const idNumber = freshIdNumber();
  await page.getByLabel('老人的身份证号是多少？').fill(idNumber);
  await page.getByRole('button', { name: '继续' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('这套房子是自己的，或者有长期使用权吗？');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await page.getByLabel('是', { exact: true }).check();
  await page.getByRole('button', { name: '继续' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('房子本身安全，可以施工吗？');

  await page.reload();
  await appReady(page);
  // The ID number was never written to the device.
  expect(await page.evaluate(() => JSON.stringify(window.localStorage))).not.toContain(idNumber.slice(0, 14));
  await expect(page.getByRole('status').filter({ hasText: '身份证号和身体状况的回答不会保存在手机上' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('老人的身份证号是多少？');
  await page.getByLabel('老人的身份证号是多少？').fill(idNumber);
  await page.getByRole('button', { name: '继续' }).click();
  // The ownership answer was kept.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('房子本身安全，可以施工吗？');
  await expectAccessible(page);
});

test('what is typed on an application screen is kept until it is saved', async ({ page }) => {
  await register(page, freshPhone());
  await page.goto('/retrofit');
  await appReady(page);
  await page.getByRole('button', { name: '为自己申请改造' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('改造申请');
  await page.getByRole('button', { name: '老人信息', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await page.getByLabel('老人姓名').fill('王秀英');
  await page.getByLabel('老人的手机号（选填）').fill('13912345678');
  const idNumber = freshIdNumber();
  await page.getByLabel('身份证号').fill(idNumber);

  await page.reload();
  await appReady(page);
  await page.getByRole('button', { name: '老人信息', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: '我们保留了您上次写下' })).toBeVisible();
  await expect(page.getByLabel('老人姓名')).toHaveValue('王秀英');
  await expect(page.getByLabel('老人的手机号（选填）')).toHaveValue('13912345678');
  // Never the ID number.
  await expect(page.getByLabel('身份证号')).toHaveValue('');
  expect(await page.evaluate(() => JSON.stringify(window.localStorage))).not.toContain(idNumber.slice(0, 14));
  await expectAccessible(page);
  await page.getByLabel('身份证号').fill(idNumber);
  await page.getByRole('button', { name: '保存并继续' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('改造申请');

  await page.reload();
  await appReady(page);
  await page.getByRole('button', { name: '老人信息', exact: true }).click();
  await expect(page.getByLabel('老人姓名')).toHaveValue('王秀英');
  await expect(page.getByText('我们保留了您上次写下')).toHaveCount(0);
});

test('in 长辈版 every page a resident opens keeps MIIT\'s elder-mode rules: large type, loose lines, 60 px targets, 7:1 contrast', async ({ page }) => {
  test.setTimeout(120_000);
  await register(page, freshPhone());
  await chooseElderMode(page);
  for (const route of ['/', '/account', '/notifications', '/complaints', '/complaints/new', '/retrofit', '/retrofit/check', '/surveys']) {
    await page.goto(route);
    await appReady(page);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByRole('button', { name: '朗读' })).toBeVisible();
    const found = await page.evaluate(() => {
      const px = (el: Element, p: string) => parseFloat(getComputedStyle(el).getPropertyValue(p));
      const visible = (el: Element) => el.getClientRects().length > 0;
      const text = Array.from(document.querySelectorAll('main p, main li, main label, main dd, main td')).filter(visible);
      const smallText = text.filter(el => px(el, 'font-size') < 22).map(el => el.textContent?.trim().slice(0, 20));
      const tightLines = text.filter(el => px(el, 'line-height') / px(el, 'font-size') < 1.5).map(el => el.textContent?.trim().slice(0, 20));
      const targets = Array.from(document.querySelectorAll('button, .button, input:not([type=radio]):not([type=checkbox]):not([type=file]), select, textarea, .site-nav a')).filter(visible);
      const smallTargets = targets.filter(el => el.getBoundingClientRect().height < 60).map(el => (el.textContent || el.id).trim().slice(0, 20));
      return { body: px(document.body, 'font-size'), smallText, tightLines, smallTargets };
    });
    expect({ route, ...found }).toEqual({ route, body: 24, smallText: [], tightLines: [], smallTargets: [] });
    const contrast = await new AxeBuilder({ page }).withRules(['color-contrast-enhanced']).analyze();
    expect(contrast.violations.map(v => v.nodes.map(n => n.target.join(' '))).flat(), `7:1 contrast on ${route}`).toEqual([]);
  }
});

test('registration and the eligibility check can be completed with the keyboard alone', async ({ page }) => {
  const phone = freshPhone();
  await page.goto('/register');
  await appReady(page);
  await tabTo(page, page.getByLabel('手机号'));
  await page.keyboard.type(phone);
  const before = (await textsTo(phone)).length;
  await tabTo(page, page.getByRole('button', { name: '获取验证码' }));
  await page.keyboard.press('Enter');
  let code = '';
  await expect.poll(async () => {
    const texts = await textsTo(phone);
    code = codeIn(texts, before);
    return code;
  }).toMatch(/^\d{6}$/);
  await tabTo(page, page.getByLabel('短信验证码'));
  await page.keyboard.type(code);
  await tabTo(page, page.getByLabel('设置密码'));
  await page.keyboard.type(PASSWORD);
  await tabTo(page, page.getByLabel('您的称呼'));
  await page.keyboard.type('李大爷');
  // A select: the arrow keys choose, as a keyboard user would.
  await tabTo(page, page.getByLabel('所在社区'));
  await page.getByLabel('所在社区').press('ArrowDown');
  await expect(page.getByLabel('所在社区')).not.toHaveValue('0');
  const building = page.getByLabel('楼栋');
  await expect(building.locator('option')).not.toHaveCount(1);
  await tabTo(page, building);
  await building.press('ArrowDown');
  await expect(building).not.toHaveValue('0');
  await tabTo(page, page.getByLabel('单元'));
  await page.keyboard.type('1');
  await tabTo(page, page.getByLabel('门牌号'));
  await page.keyboard.type('502');
  await tabTo(page, page.getByRole('button', { name: '注册', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/account$/);

  await page.goto('/retrofit/check');
  await appReady(page);
  await tabTo(page, page.getByRole('button', { name: '开始' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await tabTo(page, page.getByLabel('老人的身份证号是多少？'));
  await page.keyboard.type(freshIdNumber());
  await page.keyboard.press('Enter');
  for (const [question, choice] of [
    ['这套房子是自己的，或者有长期使用权吗？', '是'],
    ['房子本身安全，可以施工吗？', '是'],
    ['房子在近期征收拆迁范围内吗？', '否'],
  ]) {
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(question);
    await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
    // One Tab stop for the group; Space takes the first answer, the arrow keys move on.
    await tabTo(page, page.getByRole('radio').first());
    await page.keyboard.press('Space');
    for (let i = 0; i < 10 && !(await page.getByLabel(choice, { exact: true }).isChecked()); i++) {
      await page.keyboard.press('ArrowDown');
    }
    await expect(page.getByLabel(choice, { exact: true })).toBeChecked();
    await tabTo(page, page.getByRole('button', { name: '继续' }));
    await page.keyboard.press('Enter');
  }
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('老人属于下面哪一类？');
});

test('the complaint form asks where the problem is starting from the category', async ({ page }) => {
  await register(page, freshPhone());
  await page.goto('/complaints/new');
  await appReady(page);
  await page.getByRole('button', { name: '户内维修' }).click();
  await expect(page.getByLabel('在我家里')).toBeChecked();
  await page.getByRole('button', { name: '上一步', exact: true }).click();
  await page.getByRole('button', { name: '小区公共部分维修' }).click();
  await expect(page.getByLabel('在小区公共区域')).toBeChecked();
  // The limit of the description is said while writing.
  await page.getByLabel('发生了什么？').fill('路灯不亮');
  await expect(page.getByText('已写 4 字，最多 1000 字。')).toBeVisible();
});
