import { expect, type Browser, type Page } from '@playwright/test';
import { appReady, expectAccessible, freshIdNumber, freshPhone, PHOTO, register, signIn, submitThroughApi, test, chooseElderMode } from './support';
import { assessedHousehold, signedIn } from './retrofit-support';

const headers = { 'x-anju-client': '1' };

/** `2026-12-05T10:00`: `days` from now at `hour`:00, Beijing time, as a datetime-local input takes it. */
function beijingInput(days: number, hour: number): string {
  const beijing = new Date(Date.now() + 8 * 3600_000 + days * 86_400_000);
  const day = beijing.toISOString().slice(0, 10);
  return `${day}T${String(hour).padStart(2, '0')}:00`;
}

// The county sets up an assessment organisation and assigns a confirmed household to it; the
// assessor books the visit on a phone; the elder, in 长辈版, asks for another time.
test('the county assigns a household, its assessor books the visit, and the elder asks for another time', async ({ page, browser }) => {
  test.setTimeout(240_000);
  const elderPhone = freshPhone();
  await register(page, elderPhone);
  const { id, reference } = await submitThroughApi(page, freshIdNumber());

  const street = await signedIn(browser, '13800000004', 'anju-street-2026');
  const approved = await street.request.post(`/api/retrofit/applications/${id}/actions`, { headers, data: { action: 'approve' } });
  expect(approved.status(), await approved.text()).toBe(200);
  const county = await signedIn(browser, '13800000007', 'anju-county-2026');
  const confirmed = await county.request.post(`/api/retrofit/applications/${id}/actions`, { headers, data: { action: 'confirm' } });
  expect(confirmed.status(), await confirmed.text()).toBe(200);

  // A new assessor account of the county, as the system administrator creates staff.
  const countyId = (await (await county.request.get('/api/me')).json()).jurisdiction.id;
  const admin = await signedIn(browser, '13800000008', 'anju-admin-2026');
  const assessorPhone = freshPhone();
  const assessorName = `评估员${assessorPhone.slice(-4)}`;
  const created = await admin.request.post('/api/admin/accounts', {
    headers,
    data: { phone: assessorPhone, password: 'assess the home 2026', display_name: assessorName, role: 'assessor', jurisdiction_id: countyId },
  });
  expect(created.status(), await created.text()).toBe(201);

  // The county admin: a new organisation, the assessor in it, the household assigned to it.
  const orgName = `居家评估中心${assessorPhone.slice(-5)}`;
  await county.goto('/county/retrofit');
  await appReady(county);
  await county.getByRole('link', { name: '评估机构和评估人员' }).click();
  await expect(county.getByRole('heading', { level: 1 })).toHaveText('评估机构和评估人员');
  await county.getByLabel('机构名称').fill(orgName);
  await county.getByRole('button', { name: '添加', exact: true }).click();
  await expect(county.getByRole('status')).toHaveText('已添加评估机构。');
  const org = county.getByRole('region', { name: orgName });
  await org.getByLabel('加入评估人员').selectOption({ label: assessorName });
  await org.getByRole('button', { name: '加入' }).click();
  await expect(county.getByRole('status')).toHaveText('已加入评估人员。');
  await expect(org.getByRole('listitem').filter({ hasText: assessorName })).toBeVisible();
  await expectAccessible(county);
  await county.getByRole('link', { name: '返回改造对象名单' }).click();
  await appReady(county);
  const row = county.getByRole('row', { name: new RegExp(reference) });
  await row.getByLabel(new RegExp(`评估机构 ${reference}`)).selectOption({ label: orgName });
  await row.getByRole('button', { name: new RegExp(`分配 ${reference}`) }).click();
  await expect(row.getByLabel(new RegExp(`评估机构 ${reference}`))).toHaveValue(/\d+/);
  await expectAccessible(county);

  // The assessor, on a phone: the household with its address and number, the name masked.
  const assessorContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const assessor = await assessorContext.newPage();
  await signIn(assessor, assessorPhone, 'assess the home 2026');
  await expect(assessor).toHaveURL(/\/account$/);
  await assessor.goto('/assess');
  await appReady(assessor);
  await expect(assessor.getByRole('heading', { level: 1 })).toHaveText('我的评估家庭');
  await expect(assessor.getByText(orgName)).toBeVisible();
  const household = assessor.getByRole('listitem').filter({ hasText: reference });
  await expect(household).toContainText('陈*兰');
  await expect(household.getByRole('link', { name: elderPhone })).toHaveAttribute('href', `tel:${elderPhone}`);
  await expect(household).toContainText('还没有约时间');
  await expectAccessible(assessor);
  await household.getByRole('link', { name: new RegExp(reference) }).click();
  await expect(assessor.getByRole('heading', { level: 1 })).toHaveText('陈桂兰');
  await expect(assessor.getByRole('button', { name: /显示完整号码/ })).toHaveCount(0);
  // A time at night is refused with the field named.
  await assessor.getByLabel('上门的日期和时间（北京时间）').fill(beijingInput(3, 21));
  await assessor.getByRole('button', { name: '发送给家属' }).click();
  await expect(assessor.getByRole('alert')).toContainText('早上 8 点到晚上 7 点');
  await assessor.getByLabel('上门的日期和时间（北京时间）').fill(beijingInput(3, 10));
  await assessor.getByLabel('给家属的留言（选填）').fill('请家里留人');
  await assessor.getByRole('button', { name: '发送给家属' }).click();
  await expect(assessor.getByText('已约定，如不方便可以请他们换个时间')).toBeVisible();
  await expect(assessor.getByRole('heading', { name: '改约上门时间' })).toBeVisible();
  await expectAccessible(assessor);

  // The elder, in 长辈版: the notice, the time in large type, and "another time, please".
  await page.goto('/account');
  await appReady(page);
  await chooseElderMode(page);
  await page.goto('/notifications');
  await appReady(page);
  await expect(page.getByText(new RegExp(`评估人员约在 .* 上门评估（申请 ${reference}）`))).toBeVisible();
  await expect(page.getByText(new RegExp(`评估机构“${orgName}”将联系您`))).toBeVisible();
  await page.getByRole('link', { name: '查看申请' }).first().click();
  await appReady(page);
  const visit = page.getByRole('region', { name: '上门评估' });
  await expect(visit).toContainText(orgName);
  await expect(visit.locator('.visit-time')).toContainText('10:00');
  await expect(visit).toContainText('请家里留人');
  await expectAccessible(page);
  await visit.getByRole('button', { name: '请他们换个时间' }).click();
  await visit.getByRole('button', { name: '发送' }).click();
  await expect(page.getByRole('alert')).toContainText('请写一下什么时间方便');
  await visit.getByLabel('什么时间方便？').fill('周末上午都在家');
  await visit.getByRole('button', { name: '发送' }).click();
  await expect(visit).toContainText('家属希望换个时间，等待评估人员重新约定');
  await expect(visit.getByRole('button', { name: '请他们换个时间' })).toHaveCount(0);
  await expect(page.getByRole('listitem').filter({ hasText: '家属希望换个时间' }).first()).toBeVisible();
  await expectAccessible(page);

  // The assessor's list says what the family asked.
  await assessor.goto('/assess');
  await appReady(assessor);
  await expect(assessor.getByRole('listitem').filter({ hasText: reference })).toContainText('周末上午都在家');
  await Promise.all([street.context().close(), county.context().close(), admin.context().close(), assessorContext.close()]);
});

// The assessor records the home on a phone, screen by screen; a screen saved without signal
// waits on the phone and arrives once the phone is back online; the reviewer is told that the
// record shows 失能 the application did not claim.
test('the assessor records the home on a phone, one screen offline, and finishes the assessment', async ({ page, browser }) => {
  test.setTimeout(240_000);
  await register(page, freshPhone());
  const { id, reference, offices: [street, county] } = await assessedHousehold(page, browser);

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const assessor = await phone.newPage();
  await signIn(assessor, '13800000005', 'anju-assessor-2026');
  await expect(assessor).toHaveURL(/\/account$/);
  await assessor.goto(`/retrofit/applications/${id}`);
  await appReady(assessor);
  const record = assessor.getByRole('region', { name: '入户评估记录' });
  await expect(record.getByRole('button', { name: '评估完成' })).toBeDisabled();
  await expectAccessible(assessor);

  // The daily activities: she does only one of them on her own.
  await record.getByRole('button', { name: '日常活动能力' }).click();
  await expect(assessor.getByRole('heading', { name: '日常活动能力' })).toBeFocused();
  for (const activity of ['吃饭', '穿衣', '上下床', '上厕所', '在屋里走动', '洗澡']) {
    await assessor.getByRole('group', { name: activity }).getByLabel(activity === '吃饭' ? '能自己做' : '需要帮忙').check();
  }
  await expectAccessible(assessor);
  await assessor.getByRole('button', { name: '保存这一页' }).click();
  await expect(record.getByRole('listitem').filter({ hasText: '日常活动能力' })).toContainText('已记录');

  // The bathroom without signal: kept on the phone, sent once the phone is back online.
  await phone.setOffline(true);
  await record.getByRole('button', { name: '卫生间' }).click();
  await assessor.getByLabel('蹲便器').check();
  await assessor.getByLabel('马桶或淋浴旁没有抓杆').check();
  await assessor.getByRole('button', { name: '保存这一页' }).click();
  await expect(record.getByRole('status')).toContainText('已填的内容保存在手机上');
  await expect(record.getByRole('listitem').filter({ hasText: '卫生间' })).toContainText('等待发送');
  await phone.setOffline(false);
  await expect(record.getByRole('listitem').filter({ hasText: '卫生间' })).toContainText('已记录', { timeout: 15_000 });
  await expect(record.getByRole('status')).toHaveCount(0);

  for (const room of ['入户门口', '客厅', '卧室', '厨房', '过道和楼梯']) {
    await record.getByRole('button', { name: room, exact: true }).click();
    if (room === '厨房') {
      // A photo of the gas stove, sent as soon as it is chosen; a text file is refused at once.
      const picker = assessor.getByLabel('拍照（选填，每个房间最多 6 张）');
      await picker.setInputFiles({ name: 'stove.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a photo at all') });
      await expect(assessor.getByRole('alert').filter({ hasText: /照片|图片/ })).toBeVisible();
      await picker.setInputFiles(PHOTO);
      await expect(assessor.getByRole('img', { name: '厨房 照片 1' })).toBeVisible();
      await expectAccessible(assessor);
    }
    await assessor.getByRole('button', { name: '保存这一页' }).click();
    await expect(record.getByRole('listitem').filter({ hasText: room })).toContainText('已记录');
  }
  await record.getByRole('button', { name: '老人的意愿' }).click();
  await assessor.getByRole('button', { name: '保存这一页' }).click();
  await expect(assessor.getByRole('alert')).toContainText('请记下老人自己希望改哪些地方');
  await assessor.getByLabel('老人自己希望改哪些地方？').fill('卫生间装扶手，夜里起床有灯');
  await assessor.getByRole('button', { name: '保存这一页' }).click();
  await expect(record.getByRole('button', { name: '评估完成' })).toBeEnabled();
  const saved = await (await assessor.request.get(`/api/retrofit/applications/${id}/assessment-record`)).json();
  expect(saved.record.rooms.find((r: { room: string }) => r.room === 'bathroom').hazards).toEqual(['no_grab_bar', 'squat_toilet']);
  await record.getByRole('button', { name: '评估完成' }).click();
  await expect(assessor.getByText('已完成入户评估').first()).toBeVisible();

  // The street office is told the record shows 失能 the application did not claim.
  await street.goto(`/retrofit/applications/${id}`);
  await appReady(street);
  await expect(street.getByText('评估记录与申请中的失能情况不一致，请核实。')).toBeVisible();
  await expect(street.getByText(reference).first()).toBeVisible();
  await expectAccessible(street);
  await Promise.all([street.context().close(), county.context().close(), phone.close()]);
});
