// Retrofit households brought to a stage through the API, as the app's own calls would, for
// the specs that test the stage after it.
import { expect, type Browser, type Page } from '@playwright/test';
import { freshIdNumber, PASSWORD, PHOTO, PHOTO_2, signIn, submitThroughApi } from './support';

export const headers = { 'x-anju-client': '1' };

export async function signedIn(browser: Browser, phone: string, password: string, options = {}): Promise<Page> {
  const page = await (await browser.newContext(options)).newPage();
  await signIn(page, phone, password);
  await expect(page).toHaveURL(/\/(account|desk)$/);
  return page;
}

/** Confirmed, assigned to the demo organisation, and assessed (every record screen), via the API. */
export async function assessedHousehold(elder: Page, browser: Browser): Promise<{ id: number; reference: string; countyId: number; offices: Page[] }> {
  const { id, reference } = await submitThroughApi(elder, freshIdNumber());
  const street = await signedIn(browser, '13800000004', 'anju-street-2026');
  expect((await street.request.post(`/api/retrofit/applications/${id}/actions`, { headers, data: { action: 'approve' } })).status()).toBe(200);
  const county = await signedIn(browser, '13800000007', 'anju-county-2026');
  expect((await county.request.post(`/api/retrofit/applications/${id}/actions`, { headers, data: { action: 'confirm' } })).status()).toBe(200);
  const countyId = (await (await county.request.get('/api/me')).json()).jurisdiction.id;
  const orgs = await (await county.request.get(`/api/retrofit/counties/${countyId}/assessment-orgs`)).json();
  const demoOrg = orgs.orgs.find((o: { name: string }) => o.name === '滨湖居家评估中心');
  expect((await county.request.put(`/api/retrofit/applications/${id}/assessment-org`, { headers, data: { org_id: demoOrg.id } })).status()).toBe(200);
  return { id, reference, countyId, offices: [street, county] };
}

export async function recordEverything(assessor: Page, id: number) {
  const screens: unknown[] = [
    { screen: 'activities', answers: [['eat', 'can_do'], ['dress', 'can_do'], ['bed', 'needs_help'], ['toilet', 'needs_help'], ['walk_indoors', 'can_do'], ['bathe', 'needs_help']] },
    { screen: 'wishes', wishes: '卫生间装扶手' },
    ...['entrance', 'living_room', 'bedroom', 'bathroom', 'kitchen', 'corridor'].map((room) => ({ screen: 'room', room, hazards: [] })),
  ];
  for (const data of screens) {
    const r = await assessor.request.put(`/api/retrofit/applications/${id}/assessment-record`, { headers, data });
    expect(r.status(), await r.text()).toBe(200);
  }
  const done = await assessor.request.post(`/api/retrofit/applications/${id}/actions`, { headers, data: { action: 'record_assessment' } });
  expect(done.status(), await done.text()).toBe(200);
}


/** Assessed, then a two-item plan (grab bars, a shower chair) proposed and signed by the elder
 * with her typed name, via the API. */
export async function signedHousehold(elder: Page, browser: Browser): Promise<{ id: number; reference: string; countyId: number; offices: Page[] }> {
  const household = await assessedHousehold(elder, browser);
  const assessor = await signedIn(browser, '13800000005', 'anju-assessor-2026');
  await recordEverything(assessor, household.id);
  const plan = `/api/retrofit/applications/${household.id}/plan`;
  const notNeeded = [[1, '地面已是防滑砖'], [2, '家里没有高差'], [11, '老人自己能起床'], [24, '已有手杖'], [29, '老人不会走失']]
    .map(([no, reason]) => ({ no, reason }));
  const lines = [{ item_no: 13, room: 'bathroom', quantity_centi: 300, note: '' }, { item_no: 17, room: 'bathroom', quantity_centi: 100, note: '' }];
  const drafted = await assessor.request.put(plan, { headers, data: { lines, not_needed: notNeeded } });
  expect(drafted.status(), await drafted.text()).toBe(200);
  const proposed = await assessor.request.post(`${plan}/propose`, { headers, data: {} });
  expect(proposed.status(), await proposed.text()).toBe(200);
  const sha = (await proposed.json()).current.sha256;
  const confirmed = await elder.request.post(`${plan}/confirm-identity`, { headers, data: { plan_sha256: sha, password: PASSWORD } });
  expect(confirmed.status(), await confirmed.text()).toBe(200);
  const signed = await elder.request.post(`${plan}/signature`, { headers, data: { version: 1, plan_sha256: sha, agreed: true, mark: { kind: 'typed', name: '王阿姨' } } });
  expect(signed.status(), await signed.text()).toBe(200);
  await assessor.context().close();
  return household;
}

/** A day `days` from today in Beijing, as the contract form takes it (YYYY-MM-DD). */
export function beijingDay(days: number): string {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** The demo construction company offers the contract and the elder signs it, via the API. */
export async function contractSigned(builder: Page, elder: Page, id: number) {
  const path = `/api/retrofit/applications/${id}/contract`;
  const offered = await builder.request.post(path, {
    headers,
    data: { planned_start: beijingDay(1), planned_finish: beijingDay(5), agreed: true, password: 'anju-contractor-2026', mark: { kind: 'typed', name: '赵施工' } },
  });
  expect(offered.status(), await offered.text()).toBe(200);
  const sha = (await offered.json()).current.sha256;
  const signed = await elder.request.post(`${path}/signature`, {
    headers,
    data: { contract_sha256: sha, agreed: true, password: PASSWORD, mark: { kind: 'typed', name: '王阿姨' } },
  });
  expect(signed.status(), await signed.text()).toBe(200);
}

/** Signed, built by the demo construction company with every photo, and accepted by the
 * street office with `verdicts` (one per item of the two-item plan), via the API. Returns the
 * household and the contractor's page. */
export async function acceptedHousehold(
  elder: Page,
  browser: Browser,
  verdicts: { line: number; verdict: string; note?: string }[],
  builderOptions = {},
): Promise<{ id: number; reference: string; countyId: number; offices: Page[]; builder: Page }> {
  const household = await signedHousehold(elder, browser);
  const { id, countyId, offices } = household;
  const [street, county] = offices;
  const companies = await (await county.request.get(`/api/retrofit/counties/${countyId}/contractor-orgs`)).json();
  const demo = companies.orgs.find((o: { name: string }) => o.name === '滨湖适老化施工队');
  const assigned = await county.request.put(`/api/retrofit/applications/${id}/contractor-org`, { headers, data: { org_id: demo.id } });
  expect(assigned.status(), await assigned.text()).toBe(200);
  const builder = await signedIn(browser, '13800000006', 'anju-contractor-2026', builderOptions);
  const photo = async (slot: string, shade: Buffer) => {
    const r = await builder.request.post(`/api/retrofit/applications/${id}/works-photos?slot=${slot}`, {
      headers: { ...headers, 'content-type': 'image/png' },
      data: shade,
    });
    expect(r.status(), await r.text()).toBe(201);
  };
  const act = async (action: string) => {
    const r = await builder.request.post(`/api/retrofit/applications/${id}/actions`, { headers, data: { action } });
    expect(r.status(), await r.text()).toBe(200);
  };
  await contractSigned(builder, elder, id);
  await photo('item:1:before', PHOTO.buffer);
  await photo('item:2:before', PHOTO.buffer);
  await act('start_works');
  await photo('item:1:after', PHOTO_2.buffer);
  await photo('item:2:after', PHOTO_2.buffer);
  await photo('cleared', PHOTO_2.buffer);
  await act('finish_works');
  const accepted = await street.request.post(`/api/retrofit/applications/${id}/acceptance`, { headers, data: { items: verdicts } });
  expect(accepted.status(), await accepted.text()).toBe(200);
  return { ...household, builder };
}
