import { expect, test, type Page } from '@playwright/test';
import { waitForHydration, watchConsole } from './helpers';

// The demo community (hearth seed-demo) has products, owners and a Q&A category; every password is lumen-demo-2026.
const password = 'lumen-demo-2026';

async function logIn(page: Page, username: string) {
  await page.goto('/login');
  await page.getByLabel('E-mail address or username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('button', { name: 'Log out' })).toBeVisible();
}

test('a member sees a similar question while typing, asks, gets an answer and accepts it', async ({ page, browser }) => {
  const errors = watchConsole(page);
  const word = `gizmo${Date.now().toString(36)}`;
  await logIn(page, 'jordan_commutes');

  await page.goto('/questions');
  await page.getByRole('link', { name: 'Ask a question' }).click();
  await waitForHydration(page);
  // Words in another order than the seeded "Anybody experience with the fast charger on the X2?".
  await page.getByLabel('Anybody experience with …?').pressSequentially('X2 fast charger experience', { delay: 20 });
  const similar = page.getByTestId('similar');
  await expect(similar.getByRole('link', { name: 'Anybody experience with the fast charger on the X2?' })).toBeVisible();

  await page.getByLabel('Anybody experience with …?').fill(`Does the ${word} rack bag fit the X2?`);
  await page.getByLabel('Details').fill(`Looking at the **${word}** bag for commuting.`);
  await page.getByLabel('Lumen X2 e-bike').check();
  await page.getByRole('button', { name: 'Post question' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Does the ${word} rack bag fit the X2?`);
  await expect(page.getByTestId('question-state')).toHaveText('Unanswered');
  const questionUrl = page.url();

  // An owner answers.
  const owner = await browser.newPage();
  await logIn(owner, 'alex_rides');
  await owner.goto(questionUrl);
  await owner.getByLabel('Answer', { exact: true }).fill('Yes, it fits with the standard clips.');
  await owner.getByRole('button', { name: 'Post answer' }).click();
  await expect(owner.getByText('Yes, it fits with the standard clips.')).toBeVisible();
  await expect(owner.locator('.answer').first().getByText('Owner')).toBeVisible();
  await owner.close();

  // The asker accepts it.
  await page.reload();
  await expect(page.getByTestId('question-state')).toHaveText('Answered');
  await page.getByRole('button', { name: 'Accept this answer' }).click();
  await expect(page.getByTestId('question-state')).toHaveText('Accepted answer');
  await expect(page.locator('.answer-accepted')).toContainText('standard clips');

  await page.goto('/questions?filter=accepted');
  await expect(page.getByRole('list', { name: 'Questions' }).getByRole('link', { name: `Does the ${word} rack bag fit the X2?` })).toBeVisible();
  expect(errors).toEqual([]);
});

test('asking without a product keeps what was typed and says what is missing', async ({ page }) => {
  await logIn(page, 'taylor_trails');
  await page.goto('/questions/ask');
  await page.getByLabel('Anybody experience with …?').fill('Which lights work best at night?');
  await page.getByLabel('Details').fill('Front and rear, for country roads.');
  await page.getByRole('button', { name: 'Post question' }).click();
  await expect(page.locator('#f-products-error')).toContainText('one to five products');
  await expect(page.getByLabel('Anybody experience with …?')).toHaveValue('Which lights work best at night?');
});
