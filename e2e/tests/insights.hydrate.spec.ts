import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { logIn, waitForHydration, watchConsole } from './helpers';

// Insights: a product-team member opens the dashboards from the navigation, switches to the Q&A report, to 90
// days and to one product, reads the chart and the table of its numbers, and downloads the CSV; a member is
// refused.

test('the product team reads the Q&A report for one product over 90 days and downloads its numbers', async ({ page }) => {
  const errors = watchConsole(page);
  await logIn(page, 'pia_product');
  await page.goto('/');
  await waitForHydration(page);
  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Insights' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Insights' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Community health' })).toBeVisible();

  await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Questions and answers' }).click();
  await expect(page).toHaveURL(/\/insights\/qa/);
  await page.getByLabel('Period', { exact: true }).selectOption('90');
  const product = page.getByLabel('Product', { exact: true });
  await product.selectOption({ index: 1 });
  const productName = (await product.locator('option:checked').textContent())?.trim() ?? '';
  expect(productName).not.toBe('');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/days=90/);
  await expect(page).toHaveURL(/product=\d+/);
  await expect(page.locator('.insights-period')).toContainText('(90 days, charted per day)');
  await expect(page.locator('.insights-period')).toContainText(`Only product ${productName}.`);

  // The chart is an image with a name and a description; its numbers sit beside it in a table.
  const chart = page.getByRole('img', { name: 'Questions by how fast they were answered' });
  await expect(chart).toBeVisible();
  const table = page.getByRole('region', { name: 'Questions by how fast they were answered: the numbers' });
  await expect(table.getByRole('columnheader', { name: 'Answered within 24 h' })).toBeVisible();
  await expect(table.getByRole('row')).toHaveCount(91); // the header and 90 days
  const asked = page.locator('.total[data-key="asked"] .total-value');
  await expect(asked).toHaveText(/^\d+$/);

  // The CSV of that table: one line per day, the columns of the table.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    table.getByRole('link', { name: 'CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^insights-qa-questions-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await readFile((await download.path()) as string, 'utf8');
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toBe('From,Answered within 24 h,Answered later,Unanswered');
  expect(lines).toHaveLength(91);
  expect(errors).toEqual([]);
});

test('a member is refused Insights', async ({ page }) => {
  await logIn(page, 'alex_rides');
  const res = await page.goto('/insights/qa');
  expect(res?.status()).toBe(403);
  await expect(page.getByText('Insights are for the brand')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Insights' })).toHaveCount(0);
});
