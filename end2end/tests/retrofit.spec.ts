import { expect, type Page } from '@playwright/test';
import { appReady, PDF, fillSmsCode, freshIdNumber, freshPhone, PHOTO, register, signIn, submitThroughApi, test, expectAccessible, chooseElderMode } from './support';

const heading = (page: Page) => page.getByRole('heading', { level: 1 });

async function answer(page: Page, question: string, choice: string) {
  await expect(heading(page)).toHaveText(question);
  await page.getByLabel(choice, { exact: true }).check();
  await page.getByRole('button', { name: '继续' }).click();
}

/** The eligibility questions an 86-year-old 脱贫 elder in a safe home of their own sees. */
async function answerFacts(page: Page, axe = false) {
  await answer(page, '这套房子是自己的，或者有长期使用权吗？', '是');
  await answer(page, '房子本身安全，可以施工吗？', '是');
  await answer(page, '房子在近期征收拆迁范围内吗？', '否');
  await expect(heading(page)).toHaveText('老人属于下面哪一类？');
  if (axe) await expectAccessible(page);
  await answer(page, '老人属于下面哪一类？', '脱贫人口');
  await answer(page, '家里以前享受过无障碍改造吗？', '否');
  await answer(page, '施工期间，老人可以暂时住到别处吗？', '是');
}

async function openTask(page: Page, task: string) {
  await page.getByRole('button', { name: task, exact: true }).click();
}

async function taskStatus(page: Page, task: string) {
  return page.getByRole('listitem').filter({ has: page.getByRole('button', { name: task, exact: true }) }).locator('.task-status');
}

/** Fill every task of an open application (the elder's home is prefilled from the account). */
async function fillApplication(page: Page, idNumber: string, guardianNamed: boolean) {
  await expect(heading(page)).toHaveText('改造申请');
  await expectAccessible(page);
  await expect(await taskStatus(page, '住址')).toHaveText('已完成');

  await openTask(page, '老人信息');
  await page.getByLabel('身份证号').fill(idNumber.slice(0, 17) + (idNumber[17] === '0' ? '1' : '0'));
  await page.getByRole('button', { name: '保存并继续' }).click();
  await expect(page.getByRole('alert')).toContainText('身份证号校验不通过');
  await expectAccessible(page);
  await page.getByLabel('身份证号').fill(idNumber);
  await page.getByRole('button', { name: '保存并继续' }).click();
  await expect(await taskStatus(page, '老人信息')).toHaveText('已完成');

  await openTask(page, '补贴条件');
  await answerFacts(page);
  await expect(await taskStatus(page, '补贴条件')).toHaveText('已完成');

  await openTask(page, '证明材料');
  await expect(heading(page)).toHaveText('证明材料');
  await page.getByLabel('上传 身份证正面（人像面）').setInputFiles(PHOTO);
  await expect(page.getByRole('link', { name: '查看文件 1' })).toHaveCount(1);
  await page.getByLabel('上传 身份证反面（国徽面）').setInputFiles({ ...PHOTO, name: 'back.png' });
  await expect(page.getByRole('link', { name: '查看文件 1' })).toHaveCount(2);
  await page.getByLabel('上传 房产证或长期使用权证明').setInputFiles({ name: 'virus.exe', mimeType: 'application/pdf', buffer: Buffer.from('MZ not a document') });
  await expect(page.getByRole('alert').filter({ hasText: '不是照片' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('上传 房产证或长期使用权证明').setInputFiles(PDF);
  await expect(page.getByRole('link', { name: '查看文件 1' })).toHaveCount(3);
  await page.getByRole('button', { name: '材料传好了' }).click();
  await expect(await taskStatus(page, '证明材料')).toHaveText('已完成');

  await openTask(page, '家属代办');
  await expect(heading(page)).toHaveText('有家属代办吗？');
  if (guardianNamed) {
    await expect(page.getByText('您作为家属代办人，会写在申请上')).toBeVisible();
  } else {
    await page.getByLabel('没有，老人自己办').check();
  }
  await page.getByRole('button', { name: '保存并继续' }).click();

  await openTask(page, '个人信息使用说明');
  await expect(heading(page)).toHaveText('我们怎样使用您的个人信息');
  await expect(page.getByText('每次查看完整身份证号都会留下记录')).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('我已读懂并同意').check();
  await page.getByRole('button', { name: '保存并继续' }).click();

  await page.getByRole('button', { name: '检查并提交' }).click();
  await expect(heading(page)).toHaveText('提交前请检查');
  await expect(page.getByText(`${idNumber.slice(0, 6)}********${idNumber.slice(14)}`)).toBeVisible();
  await expect(page.getByRole('heading', { name: '可以申请补贴改造' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: '确认提交' }).click();
  await expect(heading(page)).toHaveText('申请已提交');
  const reference = await page.locator('.reference').innerText();
  expect(reference).toMatch(/^SL-\d{4}-\d{6}$/);
  await expectAccessible(page);
  return reference;
}

test('an elder in 长辈版 checks eligibility on a phone and applies with documents', async ({ page }) => {
  test.setTimeout(180_000);
  await register(page, freshPhone());
  await chooseElderMode(page);
  await page.goto('/retrofit');
  await appReady(page);
  await expectAccessible(page);

  await page.getByRole('link', { name: /先看看是否符合补贴条件/ }).click();
  await expect(heading(page)).toHaveText('是否符合改造补贴条件');
  await page.getByRole('button', { name: '开始' }).click();
  const idNumber = freshIdNumber();
  await expect(heading(page)).toHaveText('老人的身份证号是多少？');
  await page.getByRole('button', { name: '继续' }).click();
  await expect(page.getByRole('alert')).toContainText('身份证号应为 18 位');
  await expectAccessible(page);
  await page.getByLabel('老人的身份证号是多少？').fill(idNumber);
  await page.getByRole('button', { name: '继续' }).click();
  await answer(page, '这套房子是自己的，或者有长期使用权吗？', '是');
  // Going back keeps the answer given.
  await page.getByRole('button', { name: '返回上一步' }).click();
  await expect(heading(page)).toHaveText('这套房子是自己的，或者有长期使用权吗？');
  await expect(page.getByLabel('是', { exact: true })).toBeChecked();
  await page.getByRole('button', { name: '继续' }).click();
  await answer(page, '房子本身安全，可以施工吗？', '是');
  await answer(page, '房子在近期征收拆迁范围内吗？', '否');
  await expectAccessible(page);
  await answer(page, '老人属于下面哪一类？', '脱贫人口');
  await answer(page, '家里以前享受过无障碍改造吗？', '否');
  // 80 or older: the questions about daily activities and certificates are skipped.
  await answer(page, '施工期间，老人可以暂时住到别处吗？', '是');
  await expect(heading(page)).toHaveText('可以申请补贴改造');
  await expect(page.getByText('高龄（满 80 岁）')).toBeVisible();
  await expect(page.getByText('脱贫人口')).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('link', { name: '去申请' }).click();
  await appReady(page);
  await page.getByRole('button', { name: '为自己申请改造' }).click();
  const reference = await fillApplication(page, idNumber, false);

  await page.getByRole('button', { name: '查看办理进度' }).click();
  await expect(heading(page)).toHaveText('办理进度');
  await expect(page.getByText('待街道审核').first()).toBeVisible();
  await expectAccessible(page);
  await page.goto('/retrofit');
  await appReady(page);
  await expect(page.getByRole('listitem').getByRole('link', { name: new RegExp(reference) })).toBeVisible();
  // This year's application is offered instead of a second one.
  await expect(page.getByRole('button', { name: '为自己申请改造' })).toHaveCount(0);
  await page.getByRole('link', { name: `查看我今年的申请 ${reference}` }).click();
  await expect(page).toHaveURL(/\/retrofit\/applications\/\d+$/);
  await expect(page.getByText(reference)).toBeVisible();
});

test('a guardian applies for an elder; the street returns it, the family fixes it, the street approves and the county confirms', async ({ page, browser }) => {
  test.setTimeout(240_000);
  const elderPhone = freshPhone();
  const sonPhone = freshPhone();
  await register(page, elderPhone);
  await page.goto('/retrofit/family');
  await appReady(page);
  await expectAccessible(page);
  await page.getByLabel('家属的手机号').fill(sonPhone);
  await page.getByRole('button', { name: '发送邀请' }).click();
  await expect(page.getByText('等待确认')).toBeVisible();

  const sonContext = await browser.newContext();
  const son = await sonContext.newPage();
  await register(son, sonPhone);
  await son.goto('/retrofit/family');
  await appReady(son);
  await expect(son.getByText('邀请人：')).toBeVisible();
  await son.getByLabel('您和老人的关系').selectOption({ label: '子女' });
  await son.getByLabel('关系证明').setInputFiles(PHOTO);
  // Accepting proves the son holds the invited number now.
  await fillSmsCode(son, sonPhone);
  await expectAccessible(son);
  await son.getByRole('button', { name: '确认代办' }).click();
  await expect(son.getByRole('heading', { name: '我代办的老人' })).toBeVisible();
  // Nothing of the elder's is open to him until she says yes.
  await expect(son.getByText('家属已接受，等待老人确认')).toBeVisible();
  await son.goto('/retrofit');
  await appReady(son);
  await expect(son.getByRole('button', { name: /代家人申请/ })).toHaveCount(0);
  await page.goto('/retrofit/family');
  await appReady(page);
  await expect(page.getByText('家属已接受，等待老人确认')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: /确认由他\/她代办/ }).click();
  await expect(page.getByText('已确认')).toBeVisible();
  await son.goto('/retrofit');
  await appReady(son);
  await son.getByRole('button', { name: /代家人申请/ }).click();
  const idNumber = freshIdNumber();
  const reference = await fillApplication(son, idNumber, true);

  // The street office returns it with exactly what is missing.
  const streetContext = await browser.newContext();
  const street = await streetContext.newPage();
  await signIn(street, '13800000004', 'anju-street-2026');
  await expect(street).toHaveURL(/\/desk$/);
  await street.goto('/staff/retrofit');
  await appReady(street);
  await street.getByLabel('状态').selectOption({ label: '待街道审核' });
  await expectAccessible(street);
  await street.getByRole('link', { name: new RegExp(reference) }).click();
  await expect(street.getByText(`${idNumber.slice(0, 6)}********${idNumber.slice(14)}`)).toBeVisible();
  await street.getByRole('button', { name: /显示完整号码/ }).click();
  await expect(street.getByText(idNumber)).toBeVisible();
  await expectAccessible(street);
  await street.getByLabel('请上传房屋产权或长期使用权证明').check();
  await street.getByLabel('说明', { exact: true }).fill('房产证照片不清楚，请重新拍一张。');
  await street.getByRole('button', { name: '退回', exact: true }).click();
  await expect(street.getByText('已退回，需补充').first()).toBeVisible();

  await son.goto('/retrofit');
  await appReady(son);
  await son.getByRole('link', { name: new RegExp(reference) }).click();
  await expect(son.getByRole('heading', { name: '街道退回了申请，请补充或修改：' })).toBeVisible();
  await expect(son.getByText('房产证照片不清楚，请重新拍一张。')).toBeVisible();
  await expect(await taskStatus(son, '证明材料')).toHaveText('需要修改');
  await expectAccessible(son);
  await openTask(son, '证明材料');
  await son.getByLabel('上传 房产证或长期使用权证明').setInputFiles({ ...PHOTO, name: 'deed.png' });
  await expect(son.getByRole('link', { name: '查看文件 2' })).toHaveCount(1);
  await son.getByRole('button', { name: '材料传好了' }).click();
  await expect(await taskStatus(son, '证明材料')).toHaveText('已完成');
  await son.getByRole('button', { name: '检查并提交' }).click();
  await son.getByRole('button', { name: '确认提交' }).click();
  await expect(heading(son)).toHaveText('申请已提交');

  await street.reload();
  await appReady(street);
  await street.getByLabel('说明', { exact: true }).fill('材料齐全，同意列入。');
  await street.getByRole('button', { name: '审核通过，列入拟改造名单' }).click();
  await expect(street.getByText('街道已通过，待区县确认').first()).toBeVisible();

  const countyContext = await browser.newContext();
  const county = await countyContext.newPage();
  await signIn(county, '13800000007', 'anju-county-2026');
  await expect(county).toHaveURL(/\/desk$/);
  await county.goto('/county/retrofit');
  await appReady(county);
  await expect(county.getByRole('link', { name: reference })).toBeVisible();
  await expectAccessible(county);
  await county.getByRole('button', { name: new RegExp(`确认列入名单 ${reference}`) }).click();
  // Asked once more, with the focus on the answer.
  await expect(county.getByText('不能在这里撤回')).toBeVisible();
  await expect(county.getByRole('button', { name: new RegExp(`确定列入 ${reference}`) })).toBeFocused();
  await county.getByRole('button', { name: new RegExp(`确定列入 ${reference}`) }).click();
  // Confirmed: off the proposed list, on the confirmed one, waiting for an assessment organisation.
  await expect(county.getByRole('button', { name: new RegExp(`确认列入名单 ${reference}`) })).toHaveCount(0);
  await expect(county.getByRole('row', { name: new RegExp(reference) }).getByLabel(new RegExp(`评估机构 ${reference}`))).toBeVisible();
  await expectAccessible(county);

  await page.goto('/retrofit');
  await appReady(page);
  await page.getByRole('listitem').getByRole('link', { name: new RegExp(reference) }).click();
  await expect(page.getByText('已列入改造名单').first()).toBeVisible();
  await expect(page.getByText('区县确认列入名单')).toBeVisible();
  await expectAccessible(page);
  await Promise.all([sonContext.close(), streetContext.close(), countyContext.close()]);
});

test('a guardian proves the number, accepts, and sees the elder\'s application only once she confirms', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const elderPhone = freshPhone();
  const daughterPhone = freshPhone();
  await register(page, elderPhone);
  const { reference } = await submitThroughApi(page, freshIdNumber());
  await page.goto('/retrofit/family');
  await appReady(page);
  await page.getByLabel('家属的手机号').fill(daughterPhone);
  await page.getByRole('button', { name: '发送邀请' }).click();
  await expect(page.getByText('等待确认')).toBeVisible();

  // The daughter registers with the code texted to her number, then accepts with a fresh one.
  const daughterContext = await browser.newContext();
  const daughter = await daughterContext.newPage();
  await register(daughter, daughterPhone);
  await daughter.goto('/retrofit/family');
  await appReady(daughter);
  await daughter.getByLabel('您和老人的关系').selectOption({ label: '子女' });
  await daughter.getByLabel('关系证明').setInputFiles(PHOTO);
  await fillSmsCode(daughter, daughterPhone);
  await daughter.getByRole('button', { name: '确认代办' }).click();
  await expect(daughter.getByText('家属已接受，等待老人确认')).toBeVisible();
  await expectAccessible(daughter);

  // Waiting: nothing of her mother's is shown to her.
  await daughter.goto('/retrofit');
  await appReady(daughter);
  await expect(daughter.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(daughter.getByRole('link', { name: new RegExp(reference) })).toHaveCount(0);

  // The elder confirms; now the daughter follows the application.
  await page.goto('/retrofit/family');
  await appReady(page);
  await page.getByRole('button', { name: /确认由他\/她代办/ }).click();
  await expect(page.getByText('已确认')).toBeVisible();
  await daughter.goto('/retrofit');
  await appReady(daughter);
  await daughter.getByRole('link', { name: new RegExp(reference) }).click();
  await expect(daughter.getByText(reference)).toBeVisible();
  await daughterContext.close();
});
