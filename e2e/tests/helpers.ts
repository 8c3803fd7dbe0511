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
