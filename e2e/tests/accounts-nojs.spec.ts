import { expect, test } from '@playwright/test';
import { linkIn, unique, waitForMail } from './helpers';

// Every form works as a plain HTML form post before (or without) the wasm.
test.use({ javaScriptEnabled: false });

test('sign-up errors and log-in work without JavaScript', async ({ page }) => {
  const username = unique('nojs_');
  const email = `${username}@example.com`;

  await page.goto('/signup');
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill('qwertyuiop');
  await page.getByLabel(/I accept the/).check();
  await page.getByRole('button', { name: 'Create account' }).click();
  // A full round trip: the page comes back with the error next to the field and the typed values.
  await expect(page).toHaveURL(/\/signup\?/);
  await expect(page.locator('#f-password-error')).toContainText('most common passwords');
  await expect(page.getByLabel('Username')).toHaveValue(username);

  await page.getByLabel('Password', { exact: true }).fill('no script needed here');
  await page.getByLabel(/I accept the/).check();
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/signup\/check-email/);

  const mail = await waitForMail(email, /Confirm your e-mail address/);
  await page.goto(linkIn(mail.text, 'http://127.0.0.1'));
  await page.getByRole('button', { name: 'Confirm my e-mail address' }).click();
  await expect(page).toHaveURL(/\/login\?verified=1/);

  await page.getByLabel('E-mail address or username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill('wrong password here');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert').first()).toContainText('do not match');

  await page.getByLabel('E-mail address or username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill('no script needed here');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('button', { name: 'Log out' })).toBeVisible();
});

test('password reset by e-mail', async ({ page }) => {
  const username = unique('reset_');
  const email = `${username}@example.com`;
  // Sign up and confirm through the API the pages use.
  const signup = await page.request.post('/api/v1/auth/signup', {
    data: { email, username, password: 'the first passphrase', accept_policy: true },
  });
  expect(signup.status()).toBe(201);
  const confirm = await waitForMail(email, /Confirm your e-mail address/);
  const token = new URL(linkIn(confirm.text, 'http://127.0.0.1')).searchParams.get('token');
  expect((await page.request.post('/api/v1/auth/verify', { data: { token } })).status()).toBe(200);

  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByLabel('E-mail address').fill(email);
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await expect(page.getByRole('status')).toContainText('on its way');

  const mail = await waitForMail(email, /Reset your/);
  await page.goto(linkIn(mail.text, 'http://127.0.0.1'));
  await page.getByLabel('New password').fill('the second passphrase');
  await page.getByRole('button', { name: 'Set my new password' }).click();
  await expect(page).toHaveURL(/\/login\?reset=1/);
  await page.getByLabel('E-mail address or username').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('the second passphrase');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('button', { name: 'Log out' })).toBeVisible();
});
