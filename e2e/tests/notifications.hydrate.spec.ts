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

test('answers appear on an open question and comments on an open idea without a reload', async ({ page }) => {
  const errors = watchConsole(page);
  await logIn(page, 'taylor_trails');
  const products = await (await page.request.get('/api/v1/products')).json();
  const title = `Anybody experience with live answers ${unique('q')}?`;
  const asked = await page.request.post('/api/v1/questions', {
    data: { title, body: 'Does the question page show new answers by itself?', products: [products.items[0].id] },
  });
  expect(asked.status()).toBe(201);
  const question = (await asked.json()).id as number;
  const submitted = await page.request.post('/api/v1/ideas', {
    data: { title: `Live comments on ideas ${unique('i')}`, body: 'Comments could appear while the idea is open.' },
  });
  expect(submitted.status()).toBe(201);
  const idea = (await submitted.json()).id as number;

  const other = await playwrightRequest.newContext({ baseURL });
  expect((await other.post('/api/v1/auth/login', { data: { login: 'jordan_commutes', password: 'lumen-demo-2026' } })).status()).toBe(200);

  await page.goto(`/q/${question}`);
  await waitForHydration(page);
  await page.waitForTimeout(500);
  const answer = `Yes, this answer showed up live ${unique('a')}.`;
  expect((await other.post(`/api/v1/questions/${question}/answers`, { data: { body: answer } })).status()).toBe(201);
  const live = page.getByTestId('live-answers');
  await expect(live).toContainText(answer, { timeout: 5000 });
  // The live card is a whole answer: votes and the asker's accept button work like the others.
  await expect(live.getByRole('button', { name: 'Accept this answer' })).toBeVisible();

  await page.goto(`/ideas/${idea}`);
  await waitForHydration(page);
  await page.waitForTimeout(500);
  const comment = `A live comment on this idea ${unique('c')}.`;
  expect((await other.post(`/api/v1/ideas/${idea}/comments`, { data: { body: comment } })).status()).toBe(201);
  await expect(page.getByTestId('live-comments')).toContainText(comment, { timeout: 5000 });
  expect(errors).toEqual([]);
});
