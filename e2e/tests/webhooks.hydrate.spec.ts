import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { waitForHydration, watchConsole } from './helpers';

// Webhooks: an admin adds an endpoint for a receiver on loopback, sends a test event, reads the delivery in the
// log (the receiver's answer included) and sends it again; the receiver gets the same webhook-id twice.

const admin = { login: 'e2e_admin', password: 'e2e admin passphrase' };

type Hit = { id: string; signature: string; body: string };

function receiver(): Promise<{ url: string; hits: Hit[]; close: () => void }> {
  const hits: Hit[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      hits.push({
        id: String(req.headers['webhook-id'] ?? ''),
        signature: String(req.headers['webhook-signature'] ?? ''),
        body,
      });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('thanks from the support desk');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/hooks/hearth`, hits, close: () => server.close() });
    });
  });
}

test('an admin adds an endpoint, sends a test event, reads the delivery and sends it again', async ({ page }) => {
  const errors = watchConsole(page);
  const desk = await receiver();
  try {
    await page.goto('/login?next=%2Fadmin%2Fwebhooks');
    await waitForHydration(page);
    await page.getByLabel('E-mail address or username').fill(admin.login);
    await page.getByLabel('Password', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(/\/admin\/webhooks$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();

    const add = page.locator('form[action="/admin/webhooks/new"]');
    await add.getByLabel('Receiver URL').fill(desk.url);
    await add.getByLabel('Description').fill('Support desk');
    await add.getByRole('checkbox', { name: /question\.created/ }).check();
    await add.getByRole('checkbox', { name: /inbox\.detractor_detected/ }).check();
    await add.getByRole('button', { name: 'Add endpoint' }).click();

    await expect(page).toHaveURL(/\/admin\/webhooks\/\d+\?saved=created/);
    await expect(page.getByRole('status').first()).toContainText('The endpoint is saved');
    await page.getByText('Show the secret').click();
    await expect(page.locator('#webhook-secret')).toHaveText(/^whsec_/);

    await page.getByRole('button', { name: 'Send a test event' }).click();
    await expect(page).toHaveURL(/saved=test/);
    // Other specs may cause questions at the same time: count the test events only.
    const tests = () => desk.hits.filter((h) => JSON.parse(h.body).type === 'webhook.test');
    await expect.poll(() => tests().length, { timeout: 15_000 }).toBe(1);
    expect(tests()[0].signature).toMatch(/^v1,/);

    // The log shows it delivered (reload until the worker recorded the attempt).
    const log = page.getByRole('region', { name: 'Delivery log table' });
    await expect(async () => {
      await page.reload();
      await expect(log.getByRole('row', { name: /webhook\.test/ })).toContainText('delivered', { timeout: 500 });
    }).toPass({ timeout: 15_000 });
    await log.getByRole('link', { name: 'webhook.test' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('webhook.test');
    const attempts = page.getByRole('region', { name: 'Attempts table' });
    await expect(attempts.getByRole('row')).toHaveCount(2);
    await expect(attempts).toContainText('thanks from the support desk');
    await expect(page.locator('pre.payload')).toContainText('"type": "webhook.test"');

    await page.getByRole('button', { name: 'Send again' }).click();
    await expect(page).toHaveURL(/saved=retry/);
    await expect.poll(() => tests().length, { timeout: 15_000 }).toBe(2);
    expect(tests()[1].id).toBe(tests()[0].id);
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole('region', { name: 'Attempts table' }).getByRole('row')).toHaveCount(3, { timeout: 500 });
    }).toPass({ timeout: 15_000 });

    // Keyboard: the log's table region is reachable and focus is visible.
    await page.locator('pre.payload').focus();
    await expect(page.locator('pre.payload')).toBeFocused();
    expect(errors).toEqual([]);
  } finally {
    desk.close();
  }
});
