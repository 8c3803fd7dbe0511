import { expect, request as playwrightRequest, test } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { logIn, unique, waitForHydration, watchConsole } from './helpers';

// Live updates: member A has their topic open; member B replies through the API (as another tab or app would);
// A's page shows the reply and the bell's count rises, without a reload.

test('a reply appears on an open topic and the bell count rises without a reload', async ({ page }) => {
  const errors = watchConsole(page);
  await logIn(page, 'alex_rides');
  const categories = await (await page.request.get('/api/v1/categories')).json();
  const techHelp = categories.items.find((c: { slug: string }) => c.slug === 'tech-help');
  const title = `Live test ${unique('t')}`;
  const created = await page.request.post('/api/v1/topics', {
    data: { category_id: techHelp.id, title, body: 'Does this page update by itself when someone replies?' },
  });
  expect(created.status()).toBe(201);
  const topic = (await created.json()).id as number;
  const before = (await (await page.request.get('/api/v1/notifications')).json()).unread as number;

  await page.goto(`/t/${topic}`);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  // Give the page's two event streams a moment to connect.
  await page.waitForTimeout(500);

  const other = await playwrightRequest.newContext({ baseURL });
  expect((await other.post('/api/v1/auth/login', { data: { login: 'jordan_commutes', password: 'lumen-demo-2026' } })).status()).toBe(200);
  const text = `Yes it does, live reply ${unique('r')}.`;
  expect((await other.post(`/api/v1/topics/${topic}/posts`, { data: { body: text } })).status()).toBe(201);

  await expect(page.getByTestId('live-posts')).toContainText(text, { timeout: 5000 });
  // Other tests may notify this member too: the count rises by at least this reply.
  await expect
    .poll(async () => Number((await page.getByTestId('bell-count').textContent({ timeout: 1000 }).catch(() => '0')) ?? '0'), {
      timeout: 5000,
    })
    .toBeGreaterThanOrEqual(Math.min(before + 1, 99));
  expect(page.url()).toContain(`/t/${topic}`);
  expect(errors).toEqual([]);
});
