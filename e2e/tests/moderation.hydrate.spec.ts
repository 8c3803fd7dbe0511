import { expect, request as playwrightRequest, test, type APIRequestContext } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { logIn, signUpAndLogIn, unique, waitForHydration, watchConsole } from './helpers';

// The demo community has a "Tech help" category with discussions, the moderator mo_moderator and the staff
// member sam_support; demo members are new (trust level 0), so the rules apply to them.

/** An API session of a demo member. */
async function apiAs(login: string): Promise<APIRequestContext> {
  const api = await playwrightRequest.newContext({ baseURL });
  const res = await api.post('/api/v1/auth/login', { data: { login, password: 'lumen-demo-2026' } });
  expect(res.status()).toBe(200);
  return api;
}

/** The newest discussion in Tech help. */
async function techHelpTopic(api: APIRequestContext): Promise<number> {
  const list = await (await api.get('/api/v1/categories/tech-help/topics')).json();
  return list.items[0].id as number;
}

test('a new member posts "good post" and reads why it is held', async ({ page }) => {
  const errors = watchConsole(page);
  await signUpAndLogIn(page, 'brief_');
  const api = await playwrightRequest.newContext({ baseURL });
  const topic = await techHelpTopic(api);
  await page.goto(`/t/${topic}`);
  await waitForHydration(page);
  await page.getByLabel('Reply', { exact: true }).fill('good post');
  await page.getByRole('button', { name: 'Post reply' }).click();
  const mine = page.locator('article.post').filter({ hasText: 'good post' }).last();
  await expect(mine.getByRole('note')).toContainText('Held for review: only you and the moderators see it.');
  await expect(mine.getByRole('note')).toContainText('Held because it only says “good post”');
  // Nobody else sees it.
  const others = await (await api.get(`/api/v1/topics/${topic}`)).json();
  expect(JSON.stringify(others.posts)).not.toContain('good post');
  expect(errors).toEqual([]);
});

test('a moderator approves a held post from the queue', async ({ page }) => {
  const errors = watchConsole(page);
  const member = await apiAs('alex_rides');
  const topic = await techHelpTopic(member);
  const token = unique('deal');
  const res = await member.post(`/api/v1/topics/${topic}/posts`, {
    data: { body: `Compare https://a.example/${token} with https://b.example/${token} before you buy.` },
  });
  expect(res.status()).toBe(201);
  const held = await res.json();
  expect(held.status).toBe('pending');
  expect(held.held_reason).toContain('more than one link');

  await logIn(page, 'mo_moderator');
  await expect(page.getByRole('link', { name: /^Notifications/ })).toBeVisible();
  await page.goto('/mod?kind=held&reason=link_limit');
  const card = page.locator('article.queue-item').filter({ hasText: token });
  await expect(card).toBeVisible();
  await expect(card.getByText('alex_rides', { exact: true }).first()).toBeVisible();
  await expect(card.getByText(/published posts/)).toBeVisible();
  await card.getByRole('button', { name: /^Approve/ }).click();
  await expect(page.getByText('Approved: it is visible to everyone.')).toBeVisible();
  await expect(page.locator('article.queue-item').filter({ hasText: token })).toHaveCount(0);

  // Everyone sees it now.
  const anonymous = await playwrightRequest.newContext({ baseURL });
  const posts = await (await anonymous.get(`/api/v1/topics/${topic}/posts`)).json();
  expect(JSON.stringify(posts.items)).toContain(token);
  expect(errors).toEqual([]);
});

test('a staff member answers a detractor post from the inbox', async ({ page }) => {
  const errors = watchConsole(page);
  const member = await apiAs('jordan_commutes');
  const topic = await techHelpTopic(member);
  const token = unique('angry');
  const res = await member.post(`/api/v1/topics/${topic}/posts`, {
    data: { body: `This is terrible (${token}). The battery died after two days and support is useless, I hate it.` },
  });
  expect(res.status()).toBe(201);
  expect((await res.json()).status).toBe('published');

  await logIn(page, 'sam_support');
  await page.goto('/staff/inbox');
  const item = page.locator('article.inbox-item').filter({ hasText: token });
  await expect(item).toBeVisible();
  await expect(item.getByText('Unhappy customer')).toBeVisible();
  await item.getByRole('button', { name: 'Assign to me' }).click();
  await expect(page.locator('article.inbox-item').filter({ hasText: token }).getByText('assigned to sam_support')).toBeVisible();
  await page.locator('article.inbox-item').filter({ hasText: token }).getByRole('link', { name: /^Reply/ }).click();
  await waitForHydration(page);
  const answer = `So sorry to hear that (${token})! We are sending you a replacement battery today.`;
  await page.getByLabel('Reply', { exact: true }).fill(answer);
  await page.getByRole('button', { name: 'Post reply' }).click();
  const official = page.locator('article.post').filter({ hasText: answer });
  await expect(official.locator('.badge', { hasText: 'Official' })).toBeVisible();

  // Answered: it leaves the inbox, and the customer (watching the topic they posted in) is told.
  await page.goto('/staff/inbox');
  await expect(page.locator('article.inbox-item').filter({ hasText: token })).toHaveCount(0);
  const told = await (await member.get('/api/v1/notifications')).json();
  const reply = told.items.find((n: { kind: string; title: string }) => n.kind.startsWith('forums.') && n.title.startsWith('sam_support'));
  expect(reply, JSON.stringify(told.items)).toBeTruthy();
  expect(told.unread).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});
