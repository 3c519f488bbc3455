import { test, expect, hydrated, register } from './fixtures';

test('a shopper registers, sees the session, signs out and signs in again on a fresh browser', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const email = `ann-${Date.now()}@example.com`;
  await page.goto('/register');
  await hydrated(page);
  await page.getByLabel('Name').fill('Ann Shopper');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a good password');
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { name: 'Hello, Ann Shopper' })).toBeVisible();
  await expect(page.locator('.account-link')).toHaveText('Ann Shopper');
  await expect(page.locator('.sessions__item')).toHaveCount(1);
  await expect(page.locator('.sessions__item').first()).toContainText('This device');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('.account-link')).toHaveText('Sign in');

  // Another device: a fresh browser context with no cookies.
  const other = await browser.newContext();
  const phone = await other.newPage();
  const problems: string[] = [];
  phone.on('pageerror', (e) => problems.push(e.message));
  await phone.goto('/login');
  await hydrated(phone);
  await phone.getByLabel('Email').fill(email.toUpperCase());
  await phone.getByLabel('Password').fill('a good password');
  await phone.getByRole('button', { name: 'Sign in' }).click();
  await expect(phone).toHaveURL(/\/account$/);
  // Signing out ended the first browser's session: only this one is listed.
  await expect(phone.locator('.sessions__item')).toHaveCount(1);
  await expect(phone.locator('.sessions__item').first()).toContainText('This device');

  // Back on the first browser: sign in again; the phone lists both and signs the laptop out.
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a good password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await phone.reload();
  await hydrated(phone);
  await expect(phone.locator('.sessions__item')).toHaveCount(2);
  // Only the other device's entry has the button (this one is marked with a badge instead).
  await expect(phone.locator('.sessions__item .badge')).toHaveCount(1);
  await phone.getByRole('button', { name: 'Sign out this device' }).click();
  await expect(phone.locator('.sessions__item')).toHaveCount(1);
  expect(problems).toEqual([]);
  await other.close();
});

test.describe('refused sign-in', () => {
  test.use({ allowedFailures: ['/api/sign_in'] });
  test('a wrong password is refused with a message and no sign-in', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill('nobody@example.com');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');
  await expect(page).toHaveURL(/\/login$/);
});
});

test('a lapsed access cookie is renewed from the refresh cookie without signing in again', async ({ page, context }) => {
  const email = `renew-${Date.now()}@example.com`;
  await register(page, 'Rene Wal', email);

  // What 15 minutes do to the short-lived cookie: it is gone; the refresh cookie is not.
  await context.clearCookies({ name: 'access_token' });
  const renewed = page.waitForResponse((r) => r.url().endsWith('/v1/auth/refresh') && r.status() === 200);
  await page.goto('/');
  await renewed;
  await expect(page.locator('.account-link')).toHaveText('Rene Wal');
  const names = (await context.cookies()).map((c) => c.name);
  expect(names).toContain('access_token');
});

test.describe('two tabs renewing at once', () => {
  // The renewal that loses the race is a 409 the page answers by trying again.
  test.use({ allowedFailures: ['/v1/auth/refresh'] });

  test('two tabs renewing with one refresh cookie both stay signed in', async ({ page, context }) => {
    const email = `tabs-${Date.now()}@example.com`;
    await register(page, 'Tab Twin', email);

    // Two renewals sent together carry the same cookie: one rotates it, the other is told it
    // was just renewed, and nothing is revoked.
    const statuses = await page.evaluate(async () => {
      const renew = () => fetch('/v1/auth/refresh', { method: 'POST', credentials: 'same-origin' });
      const responses = await Promise.all([renew(), renew()]);
      return responses.map((r) => r.status).sort();
    });
    expect(statuses).toEqual([200, 409]);

    // Two tabs whose access cookie lapsed renew on load, at the same moment.
    const second = await context.newPage();
    await context.clearCookies({ name: 'access_token' });
    await Promise.all([page.goto('/'), second.goto('/')]);
    await expect(page.locator('.account-link')).toHaveText('Tab Twin');
    await expect(second.locator('.account-link')).toHaveText('Tab Twin');
    // Still signed in after both renewals: the login was not revoked.
    await page.reload();
    await expect(page.locator('.account-link')).toHaveText('Tab Twin');
  });
});

test.describe('a form on another site', () => {
  test.use({ allowedFailures: ['/api/sign_in'] });

  test('posting to the sign-in server function does not sign the browser in', async ({ page }) => {
    const email = `csrf-${Date.now()}@example.com`;
    await register(page, 'Target', email);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(page).toHaveURL(/\/$/);
    await page.goto('/login');
    const action = await page.locator('form:has(#login-email)').getAttribute('action');
    expect(action).toMatch(/^\/api\/sign_in/);
    const shop = new URL(page.url()).origin;

    // An attacker's page on another origin submits the victim's credentials (login CSRF).
    await page.route('http://attacker.test/**', (route) => route.fulfill({
      contentType: 'text/html',
      body: `<form id="f" method="post" action="${shop}${action}">
               <input name="email" value="${email}"><input name="password" value="a good password">
             </form><script>document.getElementById('f').submit()</script>`,
    }));
    const refused = page.waitForResponse((r) => r.url().includes('/api/sign_in'));
    await page.goto('http://attacker.test/');
    expect((await refused).status()).toBe(403);

    await page.goto('/account');
    await hydrated(page);
    await expect(page.getByRole('heading', { name: 'You are not signed in' })).toBeVisible();
  });
});

test.describe('deleting an account', () => {
  test.use({ allowedFailures: ['/api/delete_account', '/api/sign_in'] });

  test('needs the password, then erases the account and signs the browser out', async ({ page }) => {
    const email = `leaving-${Date.now()}@example.com`;
    await register(page, 'Leaving Lee', email);
    await hydrated(page);
    const section = page.locator('.account__delete');
    await section.locator('summary').click();
    const checkbox = section.getByLabel('I understand my account is deleted for good');

    // A wrong password deletes nothing.
    await section.locator('#delete-password').fill('not my password');
    await checkbox.check();
    await section.getByRole('button', { name: 'Delete my account' }).click();
    await expect(section.getByRole('alert')).toBeVisible();
    await page.reload();
    await hydrated(page);
    await expect(page.locator('.account-link')).toHaveText('Leaving Lee');

    // The right one, confirmed: the account is gone and the browser signed out.
    await section.locator('summary').click();
    await section.locator('#delete-password').fill('a good password');
    await checkbox.check();
    await section.getByRole('button', { name: 'Delete my account' }).click();
    await expect(page).toHaveURL(/\?account=deleted$/);
    await expect(page.locator('.account-link')).toHaveText('Sign in');

    // Its credentials no longer sign anyone in.
    await page.goto('/login');
    await hydrated(page);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('a good password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');
  });
});
