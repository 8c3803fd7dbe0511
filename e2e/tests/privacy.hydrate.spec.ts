import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { linkIn, logIn, signUpAndLogIn, waitForHydration, waitForMail, watchConsole } from './helpers';

// A member ends the session of another device from the sessions page, downloads their data through the link
// e-mailed to them, and deletes their account (logging in again within the grace period cancels it).

const password = 'a long and sturdy passphrase';

test('a member ends another session, downloads their data and deletes their account', async ({ page, browser }) => {
  const errors = watchConsole(page);
  const username = await signUpAndLogIn(page, 'e2e_priv');
  const email = `${username}@example.com`;

  // A second device.
  const phone = await browser.newContext({
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  });
  const phonePage = await phone.newPage();
  await phonePage.goto('/login');
  await logIn(phonePage, username, password);

  await page.goto('/settings/sessions');
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions and devices' })).toBeVisible();
  const rows = page.getByRole('table', { name: 'Your signed-in sessions' }).locator('tbody tr');
  await expect(rows).toHaveCount(2);
  await page.getByRole('button', { name: /^End the session on / }).click();
  await expect(rows).toHaveCount(1);
  await phonePage.goto('/settings');
  await expect(phonePage).toHaveURL(/\/login\?next=%2Fsettings/);
  await phone.close();

  // Download my data: asked on the settings page, the link comes by e-mail, the archive downloads once.
  await page.goto('/settings');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Download my data' }).click();
  await expect(page.getByRole('status').first()).toContainText('preparing your archive');
  await expect(page.getByText(/You can ask for another export from/)).toBeVisible();
  const mail = await waitForMail(email, /data is ready to download/);
  const link = linkIn(mail.text, `${baseURL}/settings/export/`);
  const downloading = page.waitForEvent('download');
  await page.evaluate((href) => {
    window.location.href = href;
  }, link);
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(new RegExp(`^${username}-data-\\d{4}-\\d\\d-\\d\\d\\.zip$`));
  const archive = await readFile(await download.path());
  expect(archive.subarray(0, 2).toString()).toBe('PK');
  expect(archive.includes(Buffer.from('profile.json'))).toBe(true);
  // Once only.
  const again = await page.request.get(link);
  expect(again.status()).toBe(410);

  // Delete my account: the password is checked at its field, then every session ends.
  await page.goto('/settings');
  await waitForHydration(page);
  const form = page.locator('#your-data form', { has: page.getByRole('button', { name: 'Delete my account' }) });
  await form.getByLabel('Your password').fill('not the right one');
  await form.getByRole('button', { name: 'Delete my account' }).click();
  await expect(page.locator('#your-data').getByText('is not your current password')).toBeVisible();
  await expect(page.getByLabel('Your password')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Your password').fill(password);
  await page.getByRole('button', { name: 'Delete my account' }).click();
  await expect(page).toHaveURL(/\/account-deleted\?due=/);
  await expect(page.getByRole('heading', { level: 1, name: 'Your account will be deleted' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Log in' })).toBeVisible();
  await waitForMail(email, /will be deleted on/);

  // Changed their mind: logging in cancels it.
  await page.goto('/login');
  await waitForHydration(page);
  await page.getByLabel('E-mail address or username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/settings\?saved=deletion-cancelled/);
  await expect(page.getByRole('status').first()).toContainText('will not be deleted');
  await waitForMail(email, /will not be deleted/);
  expect(errors).toEqual([]);
});
