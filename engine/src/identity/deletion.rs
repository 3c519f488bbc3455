//! Deleting an account: one transaction removes the account, its logins, links, cart, memory and
//! conversation, and anonymises its orders, which stay as records of sale (lines, totals, tax,
//! status, dates, the country and region taxed) without a name, street, email or saved card.

use crate::store::failure::{classify, Failure};
use crate::store::Store;
use crate::{Error, Result};

/// What an anonymised order's contact and address read afterwards.
pub const ANONYMOUS_EMAIL: &str = "deleted-account@invalid";

const DELETE: &str = "BEGIN TRANSACTION;
    LET $user = type::record('user', $id);
    IF !record::exists($user) { THROW 'account:not_found' };
    LET $email = $user.email;
    UPDATE orders SET user_id = NONE, placed_by = NONE, access_hash = NONE, payment_method = NONE,
            email = $anonymous, address.name = 'Deleted account', address.line1 = '(removed)',
            address.line2 = NONE, address.city = '(removed)', address.postal_code = '(removed)'
        WHERE user_id = $id OR placed_by = $owner;
    DELETE outbox WHERE recipient = $email AND status != 'sent';
    UPDATE outbox SET recipient = $anonymous WHERE recipient = $email;
    DELETE refresh_token WHERE user_id = $id;
    DELETE session WHERE user_id = $id;
    DELETE account_token WHERE user_id = $id;
    DELETE idempotency WHERE scope = $owner;
    DELETE cart_line WHERE cart = $cart;
    DELETE type::record('cart', $cart);
    DELETE message WHERE owner = $owner;
    DELETE handoff WHERE owner = $owner;
    DELETE checkout_confirmation WHERE owner = $owner;
    DELETE assistant_confirmation WHERE owner = $owner;
    DELETE preference WHERE owner = $owner;
    DELETE signal WHERE owner = $owner;
    DELETE likes WHERE in = $user;
    DELETE avoids WHERE in = $user;
    DELETE llm_usage WHERE string::starts_with(meter, $meter_prefix);
    DELETE $user;
    COMMIT TRANSACTION;";

/// What the transaction throws when the account does not exist.
const NO_ACCOUNT: &str = "account:not_found";

/// Deletes the account `user_id` as described above. Unknown accounts are `NotFound`.
pub async fn delete(store: &Store, user_id: &str) -> Result<()> {
    let member = crate::shopper::Shopper::member(user_id);
    let owner = member.scope();
    let res = store
        .query(DELETE)
        .bind(("id", user_id.to_string()))
        .bind(("owner", owner.clone()))
        .bind(("cart", member.cart_key()))
        .bind(("meter_prefix", format!("{owner}:")))
        .bind(("anonymous", ANONYMOUS_EMAIL))
        .await?
        .check();
    match res {
        Ok(_) => Ok(()),
        Err(e) if classify(&e) == Failure::Thrown(NO_ACCOUNT.into()) => Err(Error::NotFound("account")),
        Err(e) => Err(e.into()),
    }
}
