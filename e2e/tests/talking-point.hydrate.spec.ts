import { expect, request as playwrightRequest, test, type APIRequestContext } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { logIn, waitForHydration, watchConsole } from './helpers';

// Talking Point: a member has the page open; others start talking about something new; the theme appears on the
// open page without a reload; a staff member pins the theme with a note on the page and the open page shows it;
// "Add your voice" opens the composer with the theme filled in.

test.setTimeout(90_000);

test('a new theme appears live, a pinned note reaches the open page, Add your voice prefills the question', async ({
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

  // The staff member who will pin it, signed in on a page of their own.
  const staff = await browser.newPage();
  await logIn(staff, 'sam_support');

  // Four people of the brand's community talk about it within seconds: 24 posts, far more than anything else the
  // fresh e2e community (all of it new, with no usual level yet) says. (The team has no posting pace, so the
  // parallel specs' members keep theirs.)
  const categories = await (await page.request.get('/api/v1/categories')).json();
  const techHelp = categories.items.find((c: { slug: string }) => c.slug === 'tech-help');
  const posters: APIRequestContext[] = [staff.request];
  for (const member of ['pia_product', 'mo_moderator', 'ada_admin']) {
    const other = await playwrightRequest.newContext({ baseURL });
    expect((await other.post('/api/v1/auth/login', { data: { login: member, password: 'lumen-demo-2026' } })).status()).toBe(200);
    posters.push(other);
  }
  for (const poster of posters) {
    const started = await poster.post('/api/v1/topics', {
      data: {
        category_id: techHelp.id,
        title: `My ${phrase} stopped working`,
        body: `Since this morning the ${phrase} reads nothing at all. Anybody else?`,
      },
    });
    expect(started.status()).toBe(201);
    const topic = (await started.json()).id as number;
    for (const n of [1, 2, 3, 4, 5]) {
      const res = await poster.post(`/api/v1/topics/${topic}/posts`, {
        data: { body: `Same here, reading ${n}: the ${phrase} shows nothing since the update.` },
      });
      expect(res.status()).toBe(201);
    }
  }

  // Counted within seconds, ranked at most every 10 s: the open page gets it from the live stream.
  const theme = page.locator(`[data-theme="${phrase}"]`);
  await expect(theme).toBeVisible({ timeout: 40_000 });
  await expect(theme).toContainText('in the last 24 hours');
  await expect(theme.getByRole('img', { name: new RegExp(`Mentions of ${phrase} per day`) })).toBeVisible();
  expect(page.url()).toMatch(/\/talking-point$/);

  // The staff member pins the theme with a note, on the page, as a person would.
  await staff.goto('/talking-point');
  const card = staff.locator(`[data-theme="${phrase}"]`);
  await card.getByText('Staff: pin or hide').click();
  const note = `We are on it: a fix for the ${word} sensor ships Friday`;
  await card.getByLabel('Public note').fill(note);
  await card.getByRole('button', { name: 'Pin with this note' }).click();
  await expect(staff).toHaveURL(/\/talking-point\?done=theme/);
  await expect(staff.locator(`[data-theme="${phrase}"]`)).toContainText(note);
  await staff.close();

  // The member's page, still open, shows the note without a reload; members get no staff tools.
  await expect(theme).toContainText(note, { timeout: 15_000 });
  await expect(theme.getByText('Staff: pin or hide')).toHaveCount(0);
  expect(page.url()).toMatch(/\/talking-point$/);

  // Add your voice: the ask page with the theme in the title.
  await theme.getByRole('link', { name: /Add your voice/ }).click();
  await expect(page).toHaveURL(/\/questions\/ask\?title=/);
  await expect(page.getByLabel('Anybody experience with …?')).toHaveValue(`Anybody experience with ${phrase}?`);
  expect(errors).toEqual([]);
});
