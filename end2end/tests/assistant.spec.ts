import { test, expect, hydrated } from './fixtures';

test('the assistant streams a reply with product cards, adds one from its card, and the conversation survives a reload', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.getByRole('button', { name: 'Ask the assistant' }).click();
  const chat = page.getByRole('dialog', { name: 'Shopping assistant' });
  await chat.getByLabel('Message').fill('show me wireless headphones');
  // The reply streams: Server-Sent Events from /v1/interactions, read as they arrive.
  const streamed = page.waitForResponse(
    (r) => r.url().endsWith('/v1/interactions') && (r.headers()['content-type'] ?? '').startsWith('text/event-stream'),
  );
  await chat.getByRole('button', { name: 'Send' }).click();
  await streamed;

  const reply = chat.locator('.chat__turn--assistant[data-intent="product_search"]');
  await expect(reply).toContainText('I found');
  const firstCard = reply.locator('.chat__card').first();
  await expect(firstCard.locator('.price')).toHaveText(/^\$\d/);
  await expect(page.getByTestId('cart-count')).toHaveText('0');
  await firstCard.getByRole('button', { name: 'Add' }).click();
  await expect(firstCard.getByRole('button', { name: 'Added' })).toBeVisible();
  await expect(page.getByTestId('cart-count')).toHaveText('1');

  // By words too: the assistant acts on the real cart.
  await chat.getByLabel('Message').fill("what's in my cart?");
  await chat.getByRole('button', { name: 'Send' }).click();
  await expect(chat.locator('.chat__turn--assistant[data-intent="view_cart"]')).toContainText('You have 1 items');

  await page.reload();
  await hydrated(page);
  await page.getByRole('button', { name: 'Ask the assistant' }).click();
  await expect(page.getByRole('dialog', { name: 'Shopping assistant' }).locator('.chat__turn--user')).toHaveCount(2);
});
