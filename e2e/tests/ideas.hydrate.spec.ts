import { expect, test, type Page } from '@playwright/test';
import { waitForHydration, watchConsole } from './helpers';

// The demo community (hearth seed-demo) has an ideas category, products and a product-team member
// (pia_product); every password is lumen-demo-2026.
const password = 'lumen-demo-2026';

async function logIn(page: Page, username: string) {
  await page.goto('/login');
  await page.getByLabel('E-mail address or username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('button', { name: 'Log out' })).toBeVisible();
}

test('an idea is submitted, voted, planned and shipped with notes; the voter hears it, answers the survey and finds it on "You asked, we built"', async ({ page, browser }) => {
  const errors = watchConsole(page);
  const word = `widget${Date.now().toString(36)}`;
  const title = `A ${word} mount for the handlebar`;

  // A member submits an idea; a similar one is suggested while typing.
  await logIn(page, 'alex_rides');
  await page.goto('/ideas');
  await page.getByRole('link', { name: 'Submit an idea' }).click();
  await waitForHydration(page);
  await page.getByLabel('Your idea in one line').pressSequentially('range in the app', { delay: 20 });
  await expect(page.getByTestId('similar').getByRole('link', { name: /Show the remaining range in the app/ })).toBeVisible();
  await page.getByLabel('Your idea in one line').fill(title);
  await page.getByLabel('Why it matters').fill(`My phone keeps slipping; a **${word}** mount would fix it.`);
  await page.getByLabel('Product (optional)').selectOption({ label: 'Lumen X2 e-bike' });
  await page.getByRole('button', { name: 'Submit idea' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByTestId('idea-status')).toHaveText('New');
  const ideaUrl = page.url();

  // A second member votes.
  const voter = await browser.newPage();
  const voterErrors = watchConsole(voter);
  await logIn(voter, 'jordan_commutes');
  await voter.goto(ideaUrl);
  await expect(voter.getByTestId('votes')).toHaveText('0');
  await voter.getByRole('button', { name: 'Vote for this idea' }).click();
  await expect(voter.getByTestId('votes')).toHaveText('1');
  await expect(voter.getByRole('button', { name: 'Take back my vote' })).toBeVisible();

  // The product team plans it, then ships it, each time with a public note.
  const team = await browser.newPage();
  await logIn(team, 'pia_product');
  await team.goto(ideaUrl);
  await team.getByLabel('New status').selectOption({ label: 'Planned' });
  await team.getByLabel('Public note', { exact: true }).fill('Planned for the summer accessories line.');
  await team.getByRole('button', { name: 'Change status' }).click();
  await expect(team.getByTestId('idea-status')).toHaveText('Planned');
  await expect(team.getByText('Planned for the summer accessories line.')).toBeVisible();
  await team.getByLabel('New status').selectOption({ label: 'Shipped' });
  await team.getByLabel('Public note', { exact: true }).fill(`The ${word} mount is in shops now.`);
  await team.getByRole('button', { name: 'Change status' }).click();
  await expect(team.getByTestId('idea-status')).toHaveText('Shipped');
  await team.close();

  // The voter sees the notification and answers the survey.
  await voter.goto('/notifications');
  const notice = voter.getByRole('link', { name: `Shipped: ${title} — did it solve your problem?` });
  await expect(notice).toBeVisible();
  await expect(voter.getByRole('link', { name: `Planned: ${title}` })).toBeVisible();
  await notice.click();
  await expect(voter.getByRole('heading', { name: 'Did this solve your problem?' })).toBeVisible();
  await voter.getByLabel('Yes').check();
  await voter.getByRole('button', { name: 'Send answer' }).click();
  await expect(voter.getByText('Thank you — the product team reads every answer.')).toBeVisible();
  await expect(voter.getByLabel('Yes')).toBeChecked();

  // The idea is on "You asked, we built", with the note and its voter.
  await voter.goto('/shipped');
  const shipped = voter.getByRole('list', { name: 'Shipped ideas' }).getByRole('listitem').filter({ hasText: title });
  await expect(shipped).toContainText(`The ${word} mount is in shops now.`);
  await expect(shipped).toContainText('1 member asked for it');
  await voter.close();
  expect(errors).toEqual([]);
  expect(voterErrors).toEqual([]);
});

test('a member cannot see the product team tools, and a vote from the board counts', async ({ page }) => {
  await logIn(page, 'taylor_trails');
  await page.goto('/ideas?sort=recent');
  const row = page.getByRole('list', { name: 'Ideas' }).getByRole('listitem').filter({ hasText: 'A rear rack that takes panniers' });
  // A retried run finds its earlier vote: take it back first.
  if (await row.getByRole('button', { name: /^Take back your vote/ }).count()) {
    await row.getByRole('button', { name: /^Take back your vote/ }).click();
    await expect(row.getByRole('button', { name: /^Vote for/ })).toBeVisible();
  }
  const before = Number(await row.getByTestId('votes').textContent());
  await row.getByRole('button', { name: /^Vote for/ }).click();
  await expect(row.getByTestId('votes')).toHaveText(String(before + 1));
  await row.getByRole('link', { name: /A rear rack that takes panniers/ }).click();
  await expect(page.getByRole('button', { name: 'Take back my vote' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Product team' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Export CSV' })).toHaveCount(0);
});
