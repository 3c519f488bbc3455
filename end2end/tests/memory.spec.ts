import { test, expect, hydrated, register } from './fixtures';

test('what the shopper browses shapes their recommendations, and they can see, edit and erase it', async ({ page }) => {
  test.setTimeout(90_000);
  await register(page, 'Mia Memory', `mia-${Date.now()}@example.com`);

  // Browse coffee: the category and a product page.
  await page.goto('/category/coffee');
  await hydrated(page);
  const first = page.locator('.product-card').first();
  const brand = (await first.locator('.product-card__brand').innerText()).trim();
  await first.locator('.product-card__name a').click();
  await expect(page.locator('.product-detail h1').filter({ visible: true })).toBeVisible();

  // The home page now recommends with reasons drawn from it (signals are recorded off the
  // request path, so the first load may come a moment too early).
  const recommended = page.getByRole('region', { name: 'Recommended for you' });
  await expect(async () => {
    await page.goto('/');
    await expect(recommended.locator('.recommended__reason').filter({ hasText: 'Because you like Coffee' }).first()).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await hydrated(page);
  await expect(recommended.locator('.product-card')).toHaveCount(10);

  // What we remember: the affinity is listed with its reason; a stated aversion is saved.
  await page.getByRole('link', { name: 'What we remember', exact: true }).click();
  await expect(page).toHaveURL(/\/account\/memory$/);
  await hydrated(page);
  await expect(page.locator('.memory__item').filter({ hasText: 'Category: Coffee' })).toBeVisible();
  await expect(page.locator('.memory__item').filter({ hasText: /^view / }).first()).toBeVisible();
  await page.getByLabel('Brands to avoid').fill(brand);
  await page.getByRole('button', { name: 'Save preferences' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');
  const aversion = page.locator('.memory__item').filter({ hasText: `Avoids ${brand}` });
  await expect(aversion).toBeVisible();

  // Avoided brands never show up in recommendations.
  await page.goto('/');
  await hydrated(page);
  await expect(recommended.locator('.product-card')).toHaveCount(10);
  await expect(recommended.locator('.product-card__brand').filter({ hasText: new RegExp(`^${brand}$`) })).toHaveCount(0);

  // Delete the aversion, then forget everything.
  await page.goto('/account/memory');
  await hydrated(page);
  await aversion.getByRole('button', { name: 'Delete' }).click();
  await expect(aversion).toHaveCount(0);
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Forget everything' }).click();
  await expect(page.getByText('Nothing yet: browse a little and this fills in.')).toBeVisible();
  await expect(page.getByText('No activity remembered.')).toBeVisible();
});
