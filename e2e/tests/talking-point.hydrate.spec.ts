import { expect, request as playwrightRequest, test } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { logIn, waitForHydration, watchConsole } from './helpers';

// Talking Point: a member has the page open; other members start talking about something new; the theme appears
// on the open page without a reload; "Add your voice" opens the composer with the theme filled in; a staff
// member pins the theme with a note and the open page shows it.

test.setTimeout(90_000);

test('a new theme appears live, Add your voice prefills the question, a pinned note reaches the open page', async ({
  page,
  browser,
}) => {
  const errors = watchConsole(page);
  // A word nobody used before (letters only: digits and hyphens would split it).
  const word = `zorb${Math.random().toString(36).slice(2, 9).replace(/[^a-z]/g, 'x')}`;
  const phrase = `${word} sensor`;

  await logIn(page, 'alex_rides');
  await page.goto('/talking-point');
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Talking Point' })).toBeVisible();
  await expect(page.getByTestId('tp-live')).not.toContainText(phrase);
  await page.waitForTimeout(500);

  const categories = await (await page.request.get('/api/v1/categories')).json();
  const techHelp = categories.items.find((c: { slug: string }) => c.slug === 'tech-help');
  // Five members talk about it in a few seconds: 25 posts, well above anything else the fresh e2e community (all
  // of it from the last hour, with no usual level yet) says as often.
  for (const member of ['jordan_commutes', 'taylor_trails', 'pia_product', 'mo_moderator', 'ada_admin']) {
    const other = await playwrightRequest.newContext({ baseURL });
    expect((await other.post('/api/v1/auth/login', { data: { login: member, password: 'lumen-demo-2026' } })).status()).toBe(200);
    const started = await other.post('/api/v1/topics', {
      data: {
        category_id: techHelp.id,
        title: `My ${phrase} stopped working`,
        body: `Since this morning the ${phrase} reads nothing at all. Anybody else?`,
      },
    });
    expect(started.status()).toBe(201);
    const topic = (await started.json()).id as number;
    for (const n of [1, 2, 3, 4]) {
      const res = await other.post(`/api/v1/topics/${topic}/posts`, {
        data: { body: `Same here, reading ${n}: the ${phrase} shows nothing since the update.` },
      });
      expect(res.status()).toBe(201);
    }
    await other.dispose();
  }

  // Counted within seconds, ranked at most every 10 s: the open page gets it from the live stream.
  const theme = page.locator(`[data-theme="${phrase}"]`);
  await expect(theme).toBeVisible({ timeout: 40_000 });
  await expect(theme).toContainText('in the last 24 hours');
  await expect(theme.getByRole('img', { name: new RegExp(`Mentions of ${phrase} per day`) })).toBeVisible();
  expect(page.url()).toMatch(/\/talking-point$/);

  // Add your voice: the ask page with the theme in the title.
  const ask = await browser.newPage();
  await logIn(ask, 'alex_rides');
  await ask.goto('/talking-point');
  await ask.locator(`[data-theme="${phrase}"]`).getByRole('link', { name: /Add your voice/ }).click();
  await expect(ask).toHaveURL(/\/questions\/ask\?title=/);
  await expect(ask.getByLabel('Anybody experience with …?')).toHaveValue(`Anybody experience with ${phrase}?`);
  await ask.close();

  // A staff member pins the theme with a note, on the page, as a person would.
  const staff = await browser.newPage();
  await logIn(staff, 'sam_support');
  await staff.goto('/talking-point');
  const card = staff.locator(`[data-theme="${phrase}"]`);
  await card.getByText('Staff: pin or hide').click();
  const note = `We are on it: a fix for the ${word} sensor ships Friday`;
  await card.getByLabel('Public note').fill(note);
  await card.getByRole('button', { name: 'Pin with this note' }).click();
  await expect(staff).toHaveURL(/\/talking-point\?done=theme/);
  await expect(staff.locator(`[data-theme="${phrase}"]`)).toContainText(note);
  await staff.close();

  // The member's page, still open, shows the note without a reload.
  await expect(theme).toContainText(note, { timeout: 15_000 });
  expect(page.url()).toMatch(/\/talking-point$/);
  expect(errors).toEqual([]);
});
