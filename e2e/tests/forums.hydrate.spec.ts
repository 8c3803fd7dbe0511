import { expect, test } from '@playwright/test';
import { waitForHydration, watchConsole } from './helpers';

// The demo community is seeded by .ci/e2e.sh (hearth seed-demo): every demo password is lumen-demo-2026.
const password = 'lumen-demo-2026';

async function logIn(page: import('@playwright/test').Page, username: string) {
  await page.goto('/login');
  await page.getByLabel('E-mail address or username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('button', { name: 'Log out' })).toBeVisible();
}

test('a member starts a topic, replies, quotes, and finds it with search', async ({ page }) => {
  const errors = watchConsole(page);
  const word = `zephyrine${Date.now().toString(36)}`;
  await logIn(page, 'jordan_commutes');

  await page.goto('/c/tech-help');
  await page.getByRole('link', { name: 'New topic' }).click();
  await expect(page.getByLabel('Category')).toHaveValue(/\d+/);
  await page.getByLabel('Title').fill(`Anybody tried the ${word} saddle?`);
  await waitForHydration(page);
  await page.getByLabel('What would you like to say?').fill(`Looking at the **${word}** saddle for long rides.`);
  // The composer previews exactly what will be posted.
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.locator('.composer-preview strong')).toHaveText(word);
  await page.getByRole('button', { name: 'Back to writing' }).click();
  await page.getByRole('button', { name: 'Create topic' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Anybody tried the ${word} saddle?`);
  const topicUrl = page.url();
  await page.getByLabel('Reply', { exact: true }).fill('Update: ordered one, will report back.');
  await page.getByRole('button', { name: 'Post reply' }).click();
  await expect(page.locator('#post-2')).toContainText('ordered one');

  // Quote the first post: the reply shows the quote with a link back to it.
  await page.locator('#post-1').getByRole('link', { name: /Quote/ }).click();
  await expect(page.getByText('Quoting post #1')).toBeVisible();
  await page.getByLabel('Reply', { exact: true }).fill('Quoting myself for the record.');
  await page.getByRole('button', { name: 'Post reply' }).click();
  const third = page.locator('#post-3');
  await expect(third.locator('blockquote')).toContainText(word);
  await expect(third.getByRole('link', { name: /@jordan_commutes in #1/ })).toHaveAttribute('href', /#post-1$/);

  await page.getByRole('link', { name: 'Search' }).first().click();
  await page.getByLabel('Search topics and replies').fill(word);
  await page.getByRole('button', { name: 'Search' }).click();
  const results = page.getByRole('list', { name: 'Results' });
  await expect(results.getByRole('link', { name: `Anybody tried the ${word} saddle?` }).first()).toBeVisible();
  await expect(results.locator('mark').first()).toContainText(new RegExp(word, 'i'));
  await results.getByRole('link', { name: `Anybody tried the ${word} saddle?` }).first().click();
  await expect(page).toHaveURL(new RegExp(topicUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').split('?')[0]));
  expect(errors).toEqual([]);
});

test('a visitor cannot see a club-only topic that a club member reads', async ({ page, browser }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Latest discussions' })).toBeVisible();
  await expect(page.getByText('Early look at the spring tour dates?')).toHaveCount(0);
  const lounge = await page.goto('/c/fan-lounge');
  expect(lounge?.status()).toBe(403);
  await expect(page.getByText('members of the fan club')).toBeVisible();
  await page.goto('/search?q=spring+tour');
  await expect(page.getByText('Nothing found')).toBeVisible();

  const fan = await browser.newPage();
  await logIn(fan, 'taylor_trails');
  await fan.goto('/c/fan-lounge');
  await fan.getByRole('link', { name: 'Early look at the spring tour dates?' }).click();
  await expect(fan.getByRole('heading', { level: 1 })).toHaveText('Early look at the spring tour dates?');
  const topicPath = new URL(fan.url()).pathname;
  await fan.close();

  const direct = await page.goto(topicPath);
  expect(direct?.status()).toBe(403);
});
