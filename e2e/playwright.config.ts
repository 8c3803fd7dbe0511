import { defineConfig } from '@playwright/test';

// Ports and the database come from .ci/e2e.sh (make test); the defaults serve a local run.
const port = Number(process.env.E2E_PORT ?? 3107);
const smtpPort = Number(process.env.SMTP_PORT ?? 2625);
const mailboxPort = Number(process.env.MAILBOX_PORT ?? 2626);
export const baseURL = `http://127.0.0.1:${port}`;
export const mailboxURL = `http://127.0.0.1:${mailboxPort}`;

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: [
    {
      command: 'node support/mail-sink.mjs',
      url: `${mailboxURL}/health`,
      env: { SMTP_PORT: String(smtpPort), MAILBOX_PORT: String(mailboxPort) },
      reuseExistingServer: false,
      stdout: 'ignore',
    },
    {
      command: './target/release/hearth serve',
      cwd: '..',
      url: `${baseURL}/readyz`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      env: {
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        HEARTH_BASE_URL: baseURL,
        DATABASE_URL: process.env.E2E_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hearth_e2e',
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        HEARTH_REDIS_PREFIX: process.env.E2E_REDIS_PREFIX ?? 'e2e:',
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        HEARTH_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e',
        HEARTH_HTTP_WORKERS: '2',
        // The webhook spec's receiver listens on loopback (development and tests only).
        HEARTH_WEBHOOKS_ALLOW_LOOPBACK: 'true',
        HEARTH_WEBHOOK_RETRY_SECONDS: '1,1,1',
        RUST_LOG: 'warn',
      },
    },
  ],
});
