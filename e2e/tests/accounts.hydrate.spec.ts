import { expect, test } from '@playwright/test';
import { linkIn, unique, waitForHydration, waitForMail, watchConsole } from './helpers';

test('sign up, confirm the e-mail, log in and out through the pages', async ({ page }) => {
  const errors = watchConsole(page);
  const username = unique('e2e_');
  const email = `${username}@example.com`;

  await page.goto('/signup');
  await waitForHydration(page);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill('password1');
  await page.getByLabel(/I accept the/).check();
  await page.getByRole('button', { name: 'Create account' }).click();

  // The server refuses a common password; the island shows it next to the field without a reload.
  const passwordError = page.locator('#f-password-error');
  await expect(passwordError).toContainText('most common passwords');
  await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('alert').first()).toContainText('Some fields need another look');
  await expect(page.getByLabel('Username')).toHaveValue(username); // typed values survive

  await page.getByLabel('Password', { exact: true }).fill('a long and sturdy passphrase');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/signup\/check-email/);
  await expect(page.getByRole('heading', { name: 'Check your e-mail' })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();

  // Logging in before confirming is refused with a way forward.
  await page.goto('/login');
  await waitForHydration(page);
  await page.getByLabel('E-mail address or username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill('a long and sturdy passphrase');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert').first()).toContainText('confirm your e-mail address');
  await expect(page.getByRole('link', { name: 'Send me a new confirmation link' })).toBeVisible();

  const mail = await waitForMail(email, /Confirm your e-mail address/);
  const link = linkIn(mail.text, 'http://127.0.0.1');
  await page.goto(link);
  await page.getByRole('button', { name: 'Confirm my e-mail address' }).click();
  await expect(page).toHaveURL(/\/login\?verified=1/);
  await expect(page.getByRole('status')).toContainText('confirmed');

  await waitForHydration(page);
  await page.getByLabel('E-mail address or username').fill(email.toUpperCase());
  await page.getByLabel('Password', { exact: true }).fill('a long and sturdy passphrase');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/$/);
  const accountNav = page.getByRole('navigation', { name: 'Account' });
  await expect(accountNav.getByRole('link', { name: username })).toBeVisible();

  await accountNav.getByRole('link', { name: username }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();

  await accountNav.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Log in' })).toBeVisible();
  await page.goto('/settings');
  await expect(page).toHaveURL(/\/login\?next=/);

  expect(errors).toEqual([]);
});

test('the password field shows and hides the password once hydrated', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/signup');
  await waitForHydration(page);
  const password = page.getByLabel('Password', { exact: true });
  await password.fill('visible or not');
  await expect(password).toHaveAttribute('type', 'password');
  const toggle = page.getByRole('button', { name: 'Show password' });
  await toggle.click();
  await expect(password).toHaveAttribute('type', 'text');
  await expect(page.getByRole('button', { name: 'Show password' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Hide password' }).click();
  await expect(password).toHaveAttribute('type', 'password');
  expect(errors).toEqual([]);
});

test('pages load without console errors and unknown paths answer 404', async ({ page }) => {
  const errors = watchConsole(page);
  for (const path of ['/', '/signup', '/login', '/forgot-password', '/policy']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    await waitForHydration(page);
  }
  const missing = await page.goto('/no/such/page');
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('keyboard users can skip to the content and see where the focus is', async ({ page }) => {
  await page.goto('/');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  const outline = await skip.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
  await expect(page.getByRole('main')).toBeVisible();
  await expect(page.getByRole('banner')).toBeVisible();
  await expect(page.getByRole('contentinfo')).toBeVisible();
});
