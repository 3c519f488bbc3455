//! Stock as steps of other features' transactions: an order's lines take their units with a
//! conditional decrement (never below zero, so concurrent buyers can never oversell; a line
//! that finds too few aborts the whole transaction naming its position), a cancellation gives
//! them back.

use crate::store::failure::Failure;
use crate::store::tx::Tx;

/// What a refused take throws, followed by the line's position.
const OUT_OF_STOCK: &str = "catalog:out_of_stock:";

/// Takes `quantity` units of `product_id` for the order line at `position`; too few in stock
/// aborts the transaction ([`out_of_stock`] tells which line).
pub(crate) fn take(tx: &mut Tx, position: usize, product_id: &str, quantity: u32) {
    let i = position;
    tx.push(&format!(
        "LET $taken_{i} = (UPDATE type::record('product', $p{i}) SET stock -= $q{i}, units_sold += $q{i}
             WHERE stock >= $q{i} RETURN VALUE id);
         IF array::len($taken_{i}) = 0 {{ THROW '{OUT_OF_STOCK}{i}' }};"
    ))
    .bind(format!("p{i}"), product_id.to_string())
    .bind(format!("q{i}"), i64::from(quantity));
}

/// The position of the line a failed [`take`] refused.
pub(crate) fn out_of_stock(failure: &Failure) -> Option<usize> {
    let Failure::Thrown(text) = failure else { return None };
    let line = text.strip_prefix(OUT_OF_STOCK)?;
    let digits: String = line.chars().take_while(char::is_ascii_digit).collect();
    Some(digits.parse().unwrap_or(0))
}

/// Puts back, as a step of a cancellation's transaction, the units of the order lines held in
/// `lines_var` (the name of a `LET` the transaction set: a list of orders' line lists, empty
/// when nothing was cancelled). Units sold go down by as much, never below zero.
pub(crate) fn give_back(tx: &mut Tx, lines_var: &'static str) {
    tx.push(&format!(
        "FOR $lines IN ${lines_var} {{
             FOR $l IN $lines {{
                 UPDATE type::record('product', $l.product_id) SET stock += $l.quantity,
                     units_sold = math::max([0, units_sold - $l.quantity]);
             }};
         }};"
    ));
}
