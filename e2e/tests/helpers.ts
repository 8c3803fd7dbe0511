import { expect, type Page } from '@playwright/test';
import { mailboxURL } from '../playwright.config';

/** A name no other test (or earlier run) uses. */
export function unique(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`.slice(0, 20);
}

/** The newest e-mail to `to`, waiting for it to arrive through SMTP. */
export async function waitForMail(to: string, subject: RegExp): Promise<{ text: string; html: string; subject: string }> {
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`${mailboxURL}/messages?to=${encodeURIComponent(to)}`);
    const messages = (await res.json()) as { text: string; html: string; subject: string }[];
    const found = messages.filter((m) => subject.test(m.subject)).at(-1);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail to ${to} matching ${subject}`);
}

/** The first link in a text that starts with `prefix`. */
export function linkIn(text: string, prefix: string): string {
  const match = text.match(new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\S+`));
  if (!match) throw new Error(`no link starting with ${prefix} in:\n${text}`);
  return match[0];
}

/** Collects console errors and uncaught exceptions of the page. The browser's own network line for a 4xx
 *  answer (a refused form, a 404 page) is expected behaviour, not an error of the page. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) return;
    errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
}

/** Signs a new member up through the pages, confirms the address from the e-mail and logs in. */
export async function signUpAndLogIn(page: Page, prefix: string): Promise<string> {
  const username = unique(prefix);
  const email = `${username}@example.com`;
  const password = 'a long and sturdy passphrase';
  await page.goto('/signup');
  await waitForHydration(page);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel(/I accept the/).check();
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/signup\/check-email/);
  const mail = await waitForMail(email, /Confirm your e-mail address/);
  await page.goto(linkIn(mail.text, 'http://127.0.0.1'));
  await page.getByRole('button', { name: 'Confirm my e-mail address' }).click();
  await expect(page).toHaveURL(/\/login\?verified=1/);
  await logIn(page, username, password);
  return username;
}

/** Logs in through the log-in page (demo accounts use the demo password). */
export async function logIn(page: Page, login: string, password = 'lumen-demo-2026'): Promise<void> {
  if (!page.url().includes('/login')) await page.goto('/login');
  await waitForHydration(page);
  await page.getByLabel('E-mail address or username').fill(login);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/$/);
}
