use crate::helpers::seeded;
use engine::catalog::ProductQuery;
use engine::Error;
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
async fn featured_products_are_in_stock_and_best_rated_first() {
    let services = seeded().await;
    let featured = services.catalog.featured(12).await.unwrap();
    assert_eq!(featured.len(), 12);
    assert!(featured.iter().all(|p| p.stock > 0));
    assert!(featured.windows(2).all(|w| w[0].rating >= w[1].rating));
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
