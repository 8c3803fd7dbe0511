import { expect, test } from '@playwright/test';
import { linkIn, unique, waitForHydration, waitForMail, watchConsole } from './helpers';

// The admin account is created by .ci/e2e.sh with `hearth create-user --role admin`.
const admin = { login: 'e2e_admin', password: 'e2e admin passphrase' };

test('an admin rebrands the community and every page shows it at once', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/login?next=%2Fadmin');
  await waitForHydration(page);
  await page.getByLabel('E-mail address or username').fill(admin.login);
  await page.getByLabel('Password', { exact: true }).fill(admin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/admin$/);

  // A colour that would make white text unreadable is refused, with the reason next to the field.
  await page.getByLabel('Primary colour').fill('#ffee00');
  await page.getByRole('button', { name: 'Save brand' }).click();
  await expect(page.locator('#f-color_primary-error')).toContainText('contrast');

  const name = `Northwind ${Date.now() % 100000}`;
  await page.getByLabel('Community name').fill(name);
  await page.getByLabel('Tagline').fill('Where riders help riders.');
  await page.getByLabel('Primary colour').fill('#2d4a22');
  await page.getByRole('button', { name: 'Save brand' }).click();
  await expect(page.getByRole('status')).toContainText('brand is saved');

  await page.goto('/');
  await expect(page.getByRole('banner')).toContainText(name);
  await expect(page.getByRole('banner')).toContainText('Where riders help riders.');
  const primary = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--brand-primary').trim());
  expect(primary).toBe('#2d4a22');
  await expect(page).toHaveTitle(new RegExp(name));
  expect(errors).toEqual([]);
});

test('visitors are sent to log in and members are refused the admin page', async ({ page, request }) => {
  const res = await request.get('/admin', { maxRedirects: 0 });
  expect(res.status()).toBe(302);
  expect(res.headers()['location']).toContain('/login');

  const username = unique('plain_');
  const email = `${username}@example.com`;
  const password = 'just a member passphrase';
  expect((await request.post('/api/v1/auth/signup', { data: { email, username, password, accept_policy: true } })).status()).toBe(201);
  const mail = await waitForMail(email, /Confirm your e-mail address/);
  const token = new URL(linkIn(mail.text, 'http://127.0.0.1')).searchParams.get('token');
  expect((await request.post('/api/v1/auth/verify', { data: { token } })).status()).toBe(200);

  await page.goto('/login?next=%2Fadmin');
  await page.getByLabel('E-mail address or username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  const direct = await page.request.get('/admin');
  expect(direct.status()).toBe(403);
  await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Admin' })).toHaveCount(0);
});
