import { expect, test } from '@playwright/test';
import { signUpAndLogIn, waitForHydration, watchConsole } from './helpers';

// The demo community (hearth seed-demo) has a club-only "Fan lounge" with a topic, a "VIP lounge" for the VIP
// tier, tiers Fan/Insider/VIP with perks and an upcoming "Night ride through Utrecht" open to every club member.

test('a new member joins the club, enters the club-only category, RSVPs to an event and carries the badge on their post', async ({ page }) => {
  const errors = watchConsole(page);
  // Sign up and confirm the address (only verified members may join).
  const username = await signUpAndLogIn(page, 'fan_');

  // Outside the club, the lounge is closed and says why.
  const closed = await page.goto('/c/fan-lounge');
  expect(closed?.status()).toBe(403);
  await expect(page.getByText('members of the fan club')).toBeVisible();

  // Join from the club page: the base tier, perks of that tier with their code, upcoming events.
  await page.getByRole('navigation').getByRole('link', { name: 'Club', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Fan club' })).toBeVisible();
  await page.getByRole('button', { name: 'Join the fan club' }).click();
  await expect(page.getByText('Welcome to the club!')).toBeVisible();
  await expect(page.getByTestId('club-tier')).toHaveText('Fan');
  await expect(page.getByText('FAN10')).toBeVisible();
  await expect(page.getByText('VIP-TRACK')).toHaveCount(0);

  // The club-only category opens; the VIP one stays closed to a Fan.
  await page.goto('/c/fan-lounge');
  await page.getByRole('link', { name: 'Early look at the spring tour dates?' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Early look at the spring tour dates?');
  const topicUrl = page.url();
  const vip = await page.goto('/c/vip-lounge');
  expect(vip?.status()).toBe(403);
  await expect(page.getByText('VIP members of the fan club')).toBeVisible();

  // RSVP to an event: a seat is taken and the calendar file is offered.
  await page.goto('/club');
  await page.getByRole('link', { name: 'Night ride through Utrecht' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Night ride through Utrecht');
  const seats = await page.getByTestId('seats').textContent();
  const taken = Number(seats?.match(/(\d+) of/)?.[1] ?? '0');
  await page.getByRole('button', { name: "RSVP — I'm going" }).click();
  await expect(page.getByTestId('rsvp-status')).toHaveText('You are going.');
  await expect(page.getByTestId('seats')).toHaveText(new RegExp(`^\\s*${taken + 1} of 25 taken`));
  await expect(page.getByRole('link', { name: 'Add to calendar (.ics)' })).toHaveAttribute('href', /\/api\/v1\/events\/\d+\/ics$/);

  // A reply in the lounge carries the club badge with the tier.
  await page.goto(topicUrl);
  await waitForHydration(page);
  await page.getByLabel('Reply', { exact: true }).fill('Count me in for the spring tour!');
  await page.getByRole('button', { name: 'Post reply' }).click();
  const mine = page.locator('article').filter({ hasText: 'Count me in for the spring tour!' });
  await expect(mine.locator('.badge', { hasText: 'Fan club · Fan' })).toBeVisible();

  // The profile shows the club badge and the reputation breakdown; the formula is public.
  await page.goto(`/u/${username}`);
  await expect(page.getByRole('heading', { name: 'Reputation', exact: true })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Badges' }).getByText('Club member')).toBeVisible();
  await page.getByRole('link', { name: 'How reputation works' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('How reputation works');
  await expect(page.getByRole('row', { name: /Follow-up drawn/ })).toBeVisible();

  // Cancelling gives the seat back.
  await page.goto('/club');
  await page.getByRole('link', { name: 'Night ride through Utrecht' }).click();
  await page.getByRole('button', { name: 'Cancel my RSVP' }).click();
  await expect(page.getByTestId('seats')).toHaveText(new RegExp(`^\\s*${taken} of 25 taken`));
  expect(errors).toEqual([]);
});
