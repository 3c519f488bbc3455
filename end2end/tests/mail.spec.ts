import { test, expect, hydrated, register } from './fixtures';
import * as fs from 'fs';
import * as path from 'path';

// scripts/test.sh runs a real SMTP server (aiosmtpd) for the shop and points this at the folder
// it writes what it received to: one NNNNNN.json per message, decoded by Python's email parser.
const MAIL_DIR = process.env.E2E_MAIL_DIR ?? '';

/// The newest link to `linkPath` in a mail received for `to` (waits up to 15 s).
async function mailedLink(to: string, linkPath: string): Promise<string> {
  const pattern = new RegExp(`https?://\\S+${linkPath}\\?token=[A-Za-z0-9_-]+`);
  for (let i = 0; i < 150; i++) {
    const files = fs.existsSync(MAIL_DIR) ? fs.readdirSync(MAIL_DIR).filter((f) => f.endsWith('.json')).sort().reverse() : [];
    for (const file of files) {
      const mail = JSON.parse(fs.readFileSync(path.join(MAIL_DIR, file), 'utf8'));
      const found = mail.rcpt_tos.includes(to) && mail.text.match(pattern);
      if (found) return found[0];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${linkPath} link was mailed to ${to} (looked in ${MAIL_DIR})`);
}

test('a shopper registers, opens the verification link from the mail and sees the account verified', async ({ page }) => {
  const email = `vera-${Date.now()}@example.com`;
  await register(page, 'Vera', email);
  await expect(page.locator('[data-email-verified]')).toHaveAttribute('data-email-verified', 'false');

  const link = await mailedLink(email, '/verify');
  await page.goto(link);
  await hydrated(page);
  await page.getByRole('button', { name: 'Confirm my email' }).click();
  await expect(page.locator('[data-verified="true"]')).toContainText(`${email} is verified`);

  await page.goto('/account');
  await hydrated(page);
  await expect(page.locator('[data-email-verified]')).toHaveAttribute('data-email-verified', 'true');
  await expect(page.locator('.account__security .badge')).toHaveText('Verified');
});

test('a shopper who forgot the password resets it from the mailed link and signs in with the new one', async ({ page }) => {
  const email = `rita-${Date.now()}@example.com`;
  await register(page, 'Rita', email);
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);

  await page.goto('/login');
  await hydrated(page);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page).toHaveURL(/\/forgot$/);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await expect(page.locator('.notice--ok')).toContainText('on its way');

  const link = await mailedLink(email, '/reset');
  await page.goto(link);
  await hydrated(page);
  await page.getByLabel('New password').fill('a brand new password');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.locator('.notice--ok')).toContainText('Your password is changed');

  await page.getByRole('link', { name: 'Sign in with your new password' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a brand new password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { name: 'Hello, Rita' })).toBeVisible();
});
