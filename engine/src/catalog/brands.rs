//! Brand records, owned by the catalog: one per brand its products carry, keyed by the brand's
//! slug and labelled as the catalog spells it. Affinities and avoidances point at them; what a
//! shopper types ("nike", "Acme Deluxe") never renames one or adds one.

use crate::store::Store;
use crate::Result;
use surrealdb::types::RecordId;

/// Makes the brand records match the catalog: every brand a product carries has its record with
/// the catalog's label; records no product carries (left by older versions, which created them
/// from shoppers' words) go, with the affinities that pointed at them.
pub async fn sync(store: &Store) -> Result<()> {
    let mut res = store.query("SELECT VALUE brand FROM product").await?;
    let mut labels: Vec<String> = res.take(0)?;
    labels.sort();
    labels.dedup();
    let brands: Vec<(RecordId, String)> = labels
        .into_iter()
        .filter_map(|label| {
            let key = brand_key(&label);
            (!key.is_empty()).then(|| (RecordId::new("brand", key), label))
        })
        .collect();
    let keep: Vec<RecordId> = brands.iter().map(|(id, _)| id.clone()).collect();
    store
        .query(
            "BEGIN TRANSACTION;
             FOR $b IN $brands { UPSERT $b[0] SET name = $b[1]; };
             LET $gone = (SELECT VALUE id FROM brand WHERE id NOTINSIDE $keep);
             DELETE likes WHERE out INSIDE $gone;
             DELETE avoids WHERE out INSIDE $gone;
             DELETE $gone;
             COMMIT TRANSACTION;",
        )
        .bind(("brands", brands))
        .bind(("keep", keep))
        .await?
        .check()?;
    Ok(())
}

/// The slug a brand's record is keyed by.
pub fn brand_key(brand: &str) -> String {
    let mut key = String::new();
    for c in brand.trim().to_lowercase().chars() {
        if c.is_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('-') {
            key.push('-');
        }
    }
    key.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::brand_key;

    #[test]
    fn brand_keys_are_slugs() {
        assert_eq!(brand_key("Black Diamond"), "black-diamond");
        assert_eq!(brand_key("  Café & Co. "), "café-co");
    }
}
