import { expect, test } from '@playwright/test';

// The header on a phone: a "Menu" disclosure (a <details>, no JavaScript) instead of links wrapping over a third
// of the screen; on a wide screen the same links sit in the bar.
test.use({ javaScriptEnabled: false });

test('a phone gets a compact menu that opens without JavaScript', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto('/');
  const header = page.locator('header.site-header');
  const menu = page.locator('summary', { hasText: 'Menu' });
  await expect(menu).toBeVisible();
  const closed = await header.boundingBox();
  expect(closed!.height).toBeLessThan(740 / 6);
  const main = page.getByRole('navigation', { name: 'Main' });
  await expect(main.getByRole('link', { name: 'Questions' })).toBeHidden();

  await menu.click();
  await expect(main.getByRole('link', { name: 'Questions' })).toBeVisible();
  await main.getByRole('link', { name: 'Questions' }).click();
  await expect(page).toHaveURL(/\/questions$/);
  // Keyboard: the summary takes focus and Enter toggles it.
  await page.locator('summary', { hasText: 'Menu' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ideas' })).toBeVisible();
});

test('a wide screen shows the links in the bar, with no menu button', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await expect(page.locator('summary', { hasText: 'Menu' })).toBeHidden();
  const main = page.getByRole('navigation', { name: 'Main' });
  await expect(main.getByRole('link', { name: 'Questions' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Log in' })).toBeVisible();
  const bar = await page.locator('header.site-header').boundingBox();
  expect(bar!.height).toBeLessThan(120);
});
