import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--disable-sync','--no-first-run','--disable-quic'] });
const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
const errors = [];
page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.type() + ': ' + m.text()); });
page.on('pageerror', e => errors.push('pageerror: ' + e.message));
if (process.env.LOGIN) {
  await page.goto('http://127.0.0.1:3000/login');
  await page.getByLabel('E-mail address or username').fill(process.env.LOGIN);
  await page.getByLabel('Password', { exact: true }).fill('lumen-demo-2026');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForTimeout(800);
}
for (const [path, file] of process.argv.slice(2).map(a => [a.slice(0, a.lastIndexOf('=')), a.slice(a.lastIndexOf('=') + 1)])) {
  await page.goto('http://127.0.0.1:3000' + path);
  await page.waitForTimeout(600);
  await page.screenshot({ path: file, fullPage: true });
}
console.log(errors.join('\n'));
await browser.close();
