use crate::helpers::seeded;
use engine::Error;
use model::ProductSearch as ProductQuery;
use model::{CategorySlug, PageRequest};

#[tokio::test]
async fn categories_come_in_navigation_order_with_their_product_counts() {
    let services = seeded().await;
    let categories = services.catalog.categories().await.unwrap();
    assert!(categories.len() >= 10);
    assert_eq!(categories[0].slug.as_str(), "running-shoes");
    let sum: u64 = categories.iter().map(|c| u64::from(c.product_count)).sum();
    assert_eq!(sum, services.catalog.product_count().await.unwrap());
    assert!(categories.iter().all(|c| c.product_count > 0));
}

#[tokio::test]
async fn listing_pages_through_the_whole_catalog_without_repeats() {
    let services = seeded().await;
    let mut seen = std::collections::HashSet::new();
    let mut page = 1;
    loop {
        let query = ProductQuery { page: PageRequest::parse(Some(page), Some(100)).unwrap(), ..Default::default() };
        let result = services.catalog.list(&query).await.unwrap();
        assert!(result.total >= 300);
        if result.items.is_empty() {
            break;
        }
        for p in result.items {
            assert!(seen.insert(p.id), "no product on two pages");
        }
        page += 1;
    }
    assert_eq!(seen.len() as u64, services.catalog.product_count().await.unwrap());
}

#[tokio::test]
async fn a_category_filter_lists_only_that_category() {
    let services = seeded().await;
    let coffee = CategorySlug::parse("coffee").unwrap();
    let query = ProductQuery { category: Some(coffee.clone()), ..Default::default() };
    let page = services.catalog.list(&query).await.unwrap();
    assert_eq!(page.total, 28);
    assert!(page.items.iter().all(|p| p.category == coffee));
}

#[tokio::test]
async fn full_text_search_ranks_name_matches_and_tolerates_case_and_plurals() {
    let services = seeded().await;
    let query = |q: &str| ProductQuery { text: Some(q.into()), ..Default::default() };
    let page = services.catalog.list(&query("DUTCH OVENS")).await.unwrap();
    assert!(page.total >= 4, "plural and upper case still match: {}", page.total);
    assert!(page.items[0].name.starts_with("Enamel Dutch Oven"), "{}", page.items[0].name);

    let waterproof = services.catalog.list(&query("waterproof")).await.unwrap();
    assert!(waterproof.items.iter().any(|p| p.category.as_str() == "jackets"));
    assert!(waterproof.items.iter().any(|p| p.category.as_str() == "running-shoes"));

    let none = services.catalog.list(&query("zyzzyva")).await.unwrap();
    assert_eq!((none.total, none.items.len()), (0, 0));
}

#[tokio::test]
async fn featured_products_are_in_stock() {
    let services = seeded().await;
    let featured = services.catalog.featured(12).await.unwrap();
    assert_eq!(featured.len(), 12);
    assert!(featured.iter().all(|p| p.stock > 0));
}

/// The seed once carried invented star ratings that ordered the listing and fed the
/// recommendations; the order now comes from the shop's own sales, and no rating is stored.
#[tokio::test]
async fn best_selling_is_the_shops_own_sales_and_no_invented_rating_is_stored() {
    let services = seeded().await;
    let stored =
        services.store.client().query("SELECT VALUE id FROM product WHERE rating != NONE OR review_count != NONE");
    let rated: Vec<surrealdb::types::RecordId> = stored.await.unwrap().take(0).unwrap();
    assert!(rated.is_empty(), "no product carries a rating");

    let best = search(&[("sort", "best_selling"), ("in_stock", "true"), ("per_page", "100")]);
    let before = services.catalog.list(&best).await.unwrap();
    // One that stays in stock after the sale (a product sold out leaves the in-stock list).
    let bought = before.items.iter().rev().find(|p| p.stock >= 5).unwrap().clone();
    assert_ne!(before.items[0].id, bought.id);
    let (shopper, _) = crate::cart::guest(&services).await;
    services.carts.add(&shopper, bought.id.as_str(), crate::cart::qty(2)).await.unwrap();
    let request = crate::checkout::request("4242 4242 4242 4242");
    let order = services.checkout.place(&shopper, "best-1", &request).await.unwrap().placed.order;
    services.catalog.index().reload().await.unwrap();
    let default_order = search(&[("in_stock", "true")]);
    for page in [services.catalog.list(&best).await.unwrap(), services.catalog.list(&default_order).await.unwrap()] {
        assert_eq!(page.items[0].id, bought.id, "the product that sold leads");
    }
    assert_eq!(services.catalog.featured(1).await.unwrap()[0].id, bought.id);

    // A cancelled sale is no sale.
    services.orders.set_status(&order.id, model::OrderStatus::Cancelled).await.unwrap();
    services.catalog.index().reload().await.unwrap();
    assert_ne!(services.catalog.list(&best).await.unwrap().items[0].id, bought.id);
}

#[tokio::test]
async fn a_product_is_found_by_slug_and_an_unknown_slug_is_not_found() {
    let services = seeded().await;
    let any = services.catalog.featured(1).await.unwrap().remove(0);
    let found = services.catalog.by_slug(&any.slug).await.unwrap();
    assert_eq!(found, any);
    assert_eq!(found.image_url, format!("/images/products/{}.svg", any.slug));
    assert!(matches!(services.catalog.by_slug("no-such-thing").await, Err(Error::NotFound("product"))));
}

fn search(pairs: &[(&str, &str)]) -> model::ProductSearch {
    model::SearchParams::from_pairs(pairs.iter().copied()).parse().unwrap()
}

#[tokio::test]
async fn facets_count_categories_and_brands_for_the_current_query() {
    let services = seeded().await;
    let all = services.catalog.list(&search(&[])).await.unwrap();
    let by_category: u64 = all.facets.categories.iter().map(|f| f.count).sum();
    assert_eq!(by_category, all.total);
    assert!(all.facets.brands.windows(2).all(|w| w[0].count >= w[1].count));

    let coffee = services.catalog.list(&search(&[("category", "coffee")])).await.unwrap();
    // The category facet ignores its own filter (so other categories stay choosable) ...
    assert_eq!(coffee.facets.categories.len(), all.facets.categories.len());
    // ... while the brand facet counts only coffee.
    let coffee_brands: u64 = coffee.facets.brands.iter().map(|f| f.count).sum();
    assert_eq!(coffee_brands, coffee.total);
    let brand = &coffee.facets.brands[0];
    let narrowed = services.catalog.list(&search(&[("category", "coffee"), ("brand", &brand.value)])).await.unwrap();
    assert_eq!(narrowed.total, brand.count);
    assert!(narrowed.items.iter().all(|p| p.brand == brand.value && p.category.as_str() == "coffee"));
}

#[tokio::test]
async fn price_and_stock_filters_and_every_sort_order_hold() {
    let services = seeded().await;
    let page = services
        .catalog
        .list(&search(&[("min_price", "2000"), ("max_price", "6000"), ("in_stock", "true"), ("per_page", "100")]))
        .await
        .unwrap();
    assert!(page.total > 0);
    assert!(page.items.iter().all(|p| (2000..=6000).contains(&p.price.amount) && p.stock > 0));

    let asc = services.catalog.list(&search(&[("sort", "price_asc"), ("per_page", "100")])).await.unwrap();
    assert!(asc.items.windows(2).all(|w| w[0].price.amount <= w[1].price.amount));
    let desc = services.catalog.list(&search(&[("sort", "price_desc"), ("per_page", "100")])).await.unwrap();
    assert!(desc.items.windows(2).all(|w| w[0].price.amount >= w[1].price.amount));
    let newest = services.catalog.list(&search(&[("sort", "newest")])).await.unwrap();
    assert_eq!(newest.items.len(), 24);
}

#[tokio::test]
async fn relevance_really_orders_results_by_bm25_score() {
    let services = seeded().await;
    // A word in the name (indexed twice) outranks the same word only in a description.
    let page = services.catalog.list(&search(&[("q", "espresso"), ("per_page", "100")])).await.unwrap();
    assert!(page.total >= 2);
    assert!(page.items[0].name.to_lowercase().contains("espresso"), "{}", page.items[0].name);
    let last = page.items.last().unwrap();
    assert!(
        !last.name.to_lowercase().contains("espresso")
            || page.items.iter().all(|p| p.name.to_lowercase().contains("espresso"))
    );
    // Punctuation is no barrier.
    let punct = services.catalog.list(&search(&[("q", "dutch-oven!")])).await.unwrap();
    assert!(punct.total >= 1);
}

#[tokio::test]
async fn a_product_is_found_by_id_or_slug() {
    let services = seeded().await;
    let any = services.catalog.featured(1).await.unwrap().remove(0);
    assert_eq!(services.catalog.by_id_or_slug(any.id.as_str()).await.unwrap(), any);
    assert_eq!(services.catalog.by_id_or_slug(&any.slug).await.unwrap(), any);
    assert!(matches!(services.catalog.by_id_or_slug("nope").await, Err(Error::NotFound("product"))));
}

#[tokio::test]
async fn listing_queries_use_the_indexes() {
    let services = seeded().await;
    let (text, page) = services.catalog.explain("coffee beans").await.unwrap();
    assert!(text.contains("product_search"), "the text match runs on the full-text index: {text}");
    assert!(!page.contains("Table"), "the page is read by key, not by a table scan: {page}");
}

#[tokio::test]
async fn stock_moved_by_checkout_reaches_listings() {
    let services = seeded().await;
    let in_stock = search(&[("in_stock", "true"), ("per_page", "100")]);
    let before = services.catalog.list(&in_stock).await.unwrap().total;
    let p = services.catalog.list(&in_stock).await.unwrap().items.remove(0);
    crate::helpers::set_stock(&services, p.id.as_str(), 0).await;
    services.catalog.index().reload().await.unwrap();
    assert_eq!(services.catalog.list(&in_stock).await.unwrap().total, before - 1);
}

#[tokio::test]
async fn an_admin_reprices_and_restocks_a_product_and_listings_and_carts_follow_at_once() {
    let services = seeded().await;
    let p = crate::cart::product(&services, "coffee", 3).await;
    let (shopper, _) = crate::cart::guest(&services).await;
    services.carts.add(&shopper, p.id.as_str(), crate::cart::qty(1)).await.unwrap();
    let usd = |amount| model::Money::new(amount, p.price.currency);

    // Refusals name the field and change nothing.
    for (change, field) in [
        (model::ProductChange { price: Some(usd(0)), stock: None }, "price"),
        (
            model::ProductChange { price: Some(model::Money::new(999, model::Currency::EUR)), stock: None },
            "price.currency",
        ),
        (model::ProductChange { price: None, stock: Some(-1) }, "stock"),
        (model::ProductChange { price: None, stock: Some(model::MAX_STOCK + 1) }, "stock"),
        (model::ProductChange::default(), "price"),
    ] {
        let refused = services.catalog.change(p.id.as_str(), &change).await;
        assert!(matches!(refused, Err(Error::Invalid { field: f, .. }) if f == field), "{change:?}: {refused:?}");
    }
    assert_eq!(services.catalog.by_id(p.id.as_str()).await.unwrap(), p, "nothing changed");
    let unknown = services.catalog.change("nope", &model::ProductChange { price: None, stock: Some(1) }).await;
    assert!(matches!(unknown, Err(Error::NotFound("product"))));

    let changed = services
        .catalog
        .change(p.id.as_str(), &model::ProductChange { price: Some(usd(p.price.amount + 500)), stock: Some(0) })
        .await
        .unwrap();
    assert_eq!((changed.price.amount, changed.stock), (p.price.amount + 500, 0));
    // The listing's snapshot already knows: sold out, new price.
    let listed = services.catalog.list(&search(&[("category", "coffee"), ("per_page", "100")])).await.unwrap();
    let entry = listed.items.iter().find(|x| x.id == p.id).unwrap();
    assert_eq!((entry.price.amount, entry.stock), (p.price.amount + 500, 0));
    let in_stock = services
        .catalog
        .list(&search(&[("category", "coffee"), ("in_stock", "true"), ("per_page", "100")]))
        .await
        .unwrap();
    assert!(in_stock.items.iter().all(|x| x.id != p.id));
    // The cart prices its line from the catalog.
    let cart = services.carts.get(&shopper).await.unwrap();
    assert_eq!(cart.lines[0].unit_price.amount, p.price.amount + 500);
}
