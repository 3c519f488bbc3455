//! Carts: lines priced from the catalog at read time, quantity and stock rules, discount codes
//! and totals. A guest's cart belongs to their session; a member has one cart for all sessions,
//! and a guest cart merges into it when the session is promoted (see `sessions::promotion`).

pub mod discounts;
pub mod pricing;

use crate::memory::signals::{Signal, SignalKind};
use crate::shopper::Shopper;
use crate::store::Store;
use crate::{Error, Result};
use discounts::{DiscountRow, DISCOUNT_FIELDS};
use model::{Cart, CartLine, Currency, DiscountRejection, Money, ProductId, Quantity, ShippingMethod, Totals};
use pricing::{DiscountEffect, PricedLine, PricingSettings};
use surrealdb::types::SurrealValue;

pub use pricing::totals;

/// Carts over the store.
#[derive(Clone, Debug)]
pub struct Carts {
    store: Store,
    pricing: PricingSettings,
    memory: crate::memory::SignalSender,
}

/// A cart with what checkout needs beyond the wire shape.
#[derive(Debug, Clone)]
pub struct PricedCart {
    /// The cart as shown.
    pub cart: Cart,
    /// Lines as pricing sees them (same order as `cart.lines`).
    pub lines: Vec<PricedLine>,
    /// What the applied code does now, if it is valid.
    pub effect: Option<DiscountEffect>,
    /// Why the applied code is not valid now, if it is not.
    pub rejection: Option<DiscountRejection>,
}

#[derive(SurrealValue)]
struct LineRow {
    id: String,
    product_id: Option<String>,
    slug: Option<String>,
    name: Option<String>,
    unit_price: Option<i64>,
    currency: Option<String>,
    stock: Option<i64>,
    category: Option<String>,
    quantity: i64,
}

#[derive(SurrealValue)]
struct CartHeadRow {
    discount_code: Option<String>,
}

#[derive(SurrealValue)]
struct ExistingLine {
    id: String,
    quantity: i64,
    stock: Option<i64>,
    name: Option<String>,
}

const LINE_FIELDS: &str = "record::id(id) AS id, record::id(product) AS product_id, product.slug AS slug, \
     product.name AS name, product.price_amount AS unit_price, product.currency AS currency, \
     product.stock AS stock, product.category AS category, quantity, added_at";

fn stock_of(n: Option<i64>) -> u32 {
    n.and_then(|s| u32::try_from(s).ok()).unwrap_or(0)
}

impl Carts {
    /// Carts over `store` with the shop's pricing (the clock is the store's).
    pub fn new(store: Store, pricing: PricingSettings, memory: crate::memory::SignalSender) -> Self {
        Self { store, pricing, memory }
    }

    /// The shop's pricing settings.
    pub fn pricing(&self) -> &PricingSettings {
        &self.pricing
    }

    /// The shopper's cart (empty if they have none yet).
    pub async fn get(&self, shopper: &Shopper) -> Result<Cart> {
        Ok(self.priced(shopper).await?.cart)
    }

    /// [`Carts::get`], or an empty cart in the shop's currency for a visitor not yet known.
    pub async fn get_or_empty(&self, shopper: Option<&Shopper>) -> Result<Cart> {
        match shopper {
            Some(shopper) => self.get(shopper).await,
            None => Ok(Cart::empty(self.pricing.currency)),
        }
    }

    /// The shopper's cart with its pricing inputs, totals for standard shipping.
    pub async fn priced(&self, shopper: &Shopper) -> Result<PricedCart> {
        let key = shopper.cart_key();
        let sql = format!(
            "SELECT {LINE_FIELDS} FROM cart_line WHERE cart = $cart ORDER BY added_at, id;
             SELECT discount_code FROM type::record('cart', $cart);"
        );
        let mut res = self.store.query(sql).bind(("cart", key.clone())).await?;
        let rows: Vec<LineRow> = res.take(0)?;
        let head: Option<CartHeadRow> = res.take(1)?;
        let code = head.and_then(|h| h.discount_code);

        let currency = self.pricing.currency;
        let mut lines = Vec::with_capacity(rows.len());
        let mut priced = Vec::with_capacity(rows.len());
        for row in rows {
            // A line whose product was deleted from the catalog is skipped, not shown at a guess.
            let (Some(product_id), Some(slug), Some(name), Some(unit_price)) =
                (row.product_id, row.slug, row.name, row.unit_price)
            else {
                continue;
            };
            let quantity = u32::try_from(row.quantity).unwrap_or(0);
            let line_currency = row.currency.as_deref().map(Currency::parse).transpose().ok().flatten();
            if line_currency.is_some_and(|c| c != currency) {
                return Err(Error::invalid(
                    "cart",
                    format!("product {product_id} is not priced in {}", currency.code()),
                ));
            }
            let line = PricedLine { unit_price, quantity, category: row.category.unwrap_or_default() };
            lines.push(CartLine {
                id: row.id,
                product_id: ProductId::new(product_id),
                image_url: format!("/images/products/{slug}.svg"),
                slug,
                name,
                quantity,
                unit_price: Money::new(unit_price, currency),
                line_total: Money::new(line.total(), currency),
                available: stock_of(row.stock),
            });
            priced.push(line);
        }

        let (effect, rejection) = match &code {
            None => (None, None),
            Some(code) => match self.check_code(shopper, code, &priced).await? {
                Ok(effect) => (Some(effect), None),
                Err(reason) => (None, Some(reason)),
            },
        };
        let totals = pricing::totals(&priced, effect.as_ref(), ShippingMethod::Standard, &self.pricing);
        let item_count = lines.iter().map(|l| l.quantity).sum();
        Ok(PricedCart {
            cart: Cart {
                id: key,
                lines,
                discount_note: rejection.as_ref().map(ToString::to_string),
                discount_code: code,
                totals,
                item_count,
            },
            lines: priced,
            effect,
            rejection,
        })
    }

    /// Totals of a priced cart for a shipping method.
    pub fn totals_for(&self, cart: &PricedCart, method: ShippingMethod) -> Totals {
        pricing::totals(&cart.lines, cart.effect.as_ref(), method, &self.pricing)
    }

    /// Adds `quantity` of a product (adding to its line if there is one). The line may not
    /// exceed 99 or the stock.
    pub async fn add(&self, shopper: &Shopper, product_id: &str, quantity: Quantity) -> Result<Cart> {
        let cart = crate::store::retry_conflicts(|| self.add_once(shopper, product_id, quantity)).await?;
        self.memory.record(shopper, Signal::product(SignalKind::CartAdd, product_id)).await;
        Ok(cart)
    }

    async fn add_once(&self, shopper: &Shopper, product_id: &str, quantity: Quantity) -> Result<Cart> {
        let key = shopper.cart_key();
        let mut res = self
            .store
            .query(
                "SELECT stock, name FROM type::record('product', $product);
                 SELECT record::id(id) AS id, quantity FROM cart_line
                     WHERE cart = $cart AND product = type::record('product', $product);",
            )
            .bind(("product", product_id.to_string()))
            .bind(("cart", key.clone()))
            .await?;
        #[derive(SurrealValue)]
        struct StockRow {
            stock: i64,
            name: String,
        }
        #[derive(SurrealValue)]
        struct MineRow {
            id: String,
            quantity: i64,
        }
        let product: Option<StockRow> = res.take(0)?;
        let mine: Option<MineRow> = res.take(1)?;
        let product = product.ok_or(Error::NotFound("product"))?;
        let had = mine.as_ref().map_or(0, |m| m.quantity);
        let wanted = had + i64::from(quantity.get());
        if wanted > i64::from(Quantity::MAX) {
            return Err(Error::invalid(
                "quantity",
                format!("a cart line holds at most {} (you already have {had})", Quantity::MAX),
            ));
        }
        if wanted > product.stock {
            return Err(Error::OutOfStock { product: product.name, available: stock_of(Some(product.stock)) });
        }
        let write = match &mine {
            Some(m) => self
                .store
                .query("UPDATE type::record('cart_line', $line) SET quantity = $quantity")
                .bind(("line", m.id.clone())),
            None => self
                .store
                .query("CREATE cart_line SET cart = $cart, product = type::record('product', $product), quantity = $quantity")
                .bind(("cart", key.clone()))
                .bind(("product", product_id.to_string())),
        };
        write.bind(("quantity", wanted)).await?.check().map_err(|e| {
            // Two adds of a new product raced and the other created the line: ask to retry.
            if e.to_string().contains("cart_line_product") {
                Error::Conflict("the cart changed at the same time; try again")
            } else {
                e.into()
            }
        })?;
        self.touch(shopper).await?;
        self.get(shopper).await
    }

    /// Sets a line's quantity (1..=99, at most the stock).
    pub async fn set_quantity(&self, shopper: &Shopper, line_id: &str, quantity: Quantity) -> Result<Cart> {
        crate::store::retry_conflicts(|| self.set_quantity_once(shopper, line_id, quantity)).await
    }

    async fn set_quantity_once(&self, shopper: &Shopper, line_id: &str, quantity: Quantity) -> Result<Cart> {
        let line = self.line(shopper, line_id).await?;
        if i64::from(quantity.get()) > line.stock.unwrap_or(0) {
            return Err(Error::OutOfStock {
                product: line.name.unwrap_or_else(|| "this product".into()),
                available: stock_of(line.stock),
            });
        }
        self.store
            .query("UPDATE type::record('cart_line', $line) SET quantity = $quantity WHERE cart = $cart")
            .bind(("line", line.id))
            .bind(("cart", shopper.cart_key()))
            .bind(("quantity", i64::from(quantity.get())))
            .await?
            .check()?;
        self.touch(shopper).await?;
        self.get(shopper).await
    }

    /// Removes a line.
    pub async fn remove(&self, shopper: &Shopper, line_id: &str) -> Result<Cart> {
        let before = self.get(shopper).await?;
        let product = before.lines.into_iter().find(|l| l.id == line_id).map(|l| l.product_id.into_string());
        let cart = crate::store::retry_conflicts(|| self.remove_once(shopper, line_id)).await?;
        if let Some(product) = product {
            self.memory.record(shopper, Signal::product(SignalKind::CartRemove, &product)).await;
        }
        Ok(cart)
    }

    async fn remove_once(&self, shopper: &Shopper, line_id: &str) -> Result<Cart> {
        let line = self.line(shopper, line_id).await?;
        self.store
            .query("DELETE type::record('cart_line', $line) WHERE cart = $cart")
            .bind(("line", line.id))
            .bind(("cart", shopper.cart_key()))
            .await?
            .check()?;
        self.touch(shopper).await?;
        self.get(shopper).await
    }

    /// Applies a discount code after checking it against the cart now; a refusal says why.
    pub async fn apply_discount(&self, shopper: &Shopper, code: &str) -> Result<Cart> {
        crate::store::retry_conflicts(|| self.apply_discount_once(shopper, code)).await
    }

    async fn apply_discount_once(&self, shopper: &Shopper, code: &str) -> Result<Cart> {
        let code = discounts::normalize_code(code);
        if code.is_empty() {
            return Err(Error::invalid("code", "enter a discount code"));
        }
        let current = self.priced(shopper).await?;
        self.check_code(shopper, &code, &current.lines).await?.map_err(Error::InvalidDiscount)?;
        self.store
            .query("UPSERT type::record('cart', $cart) SET owner = $owner, discount_code = $code, updated_at = $now")
            .bind(("cart", shopper.cart_key()))
            .bind(("owner", shopper.scope()))
            .bind(("code", code))
            .await?
            .check()?;
        self.get(shopper).await
    }

    /// Takes the discount code off the cart.
    pub async fn remove_discount(&self, shopper: &Shopper) -> Result<Cart> {
        crate::store::retry_conflicts(|| self.remove_discount_once(shopper)).await
    }

    async fn remove_discount_once(&self, shopper: &Shopper) -> Result<Cart> {
        self.store
            .query("UPDATE type::record('cart', $cart) SET discount_code = NONE, updated_at = $now")
            .bind(("cart", shopper.cart_key()))
            .await?
            .check()?;
        self.get(shopper).await
    }

    /// The stored code `code` judged against `lines` for this shopper, now.
    async fn check_code(
        &self,
        shopper: &Shopper,
        code: &str,
        lines: &[PricedLine],
    ) -> Result<std::result::Result<DiscountEffect, DiscountRejection>> {
        if code.len() > 32 {
            return Ok(Err(DiscountRejection::Unknown));
        }
        // A guest's address is known only at checkout, whose redemption record decides then.
        let email = match shopper.user_id() {
            Some(user) => crate::identity::accounts::email_of(&self.store, user).await?,
            None => None,
        };
        let keys = discounts::customer_keys(shopper.user_id(), email.as_deref().unwrap_or_default());
        let sql = format!(
            "SELECT {DISCOUNT_FIELDS} FROM type::record('discount', $code);
             RETURN count(SELECT id FROM discount_redemption WHERE code = $code AND customer IN $keys) > 0;"
        );
        let mut res = self.store.query(sql).bind(("code", code.to_string())).bind(("keys", keys)).await?;
        let row: Option<DiscountRow> = res.take(0)?;
        let used: Option<bool> = res.take(1)?;
        let Some(row) = row else { return Ok(Err(DiscountRejection::Unknown)) };
        Ok(discounts::check(&row, lines, self.store.clock().now_unix(), used.unwrap_or(false), self.pricing.currency))
    }

    async fn line(&self, shopper: &Shopper, line_id: &str) -> Result<ExistingLine> {
        let mut res = self
            .store
            .query(
                "SELECT record::id(id) AS id, quantity, product.stock AS stock, product.name AS name
                 FROM type::record('cart_line', $line) WHERE cart = $cart",
            )
            .bind(("line", line_id.to_string()))
            .bind(("cart", shopper.cart_key()))
            .await?;
        let line: Option<ExistingLine> = res.take(0)?;
        line.ok_or(Error::NotFound("cart line"))
    }

    async fn touch(&self, shopper: &Shopper) -> Result<()> {
        self.store
            .query("UPSERT type::record('cart', $cart) SET owner = $owner, updated_at = $now")
            .bind(("cart", shopper.cart_key()))
            .bind(("owner", shopper.scope()))
            .await?
            .check()?;
        Ok(())
    }
}
