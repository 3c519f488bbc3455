use engine::store::{Store, MIGRATIONS};

#[tokio::test]
async fn a_second_start_applies_no_migration_and_leaves_the_schema_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("surrealkv://{}", dir.path().join("db").display());

    let (first, report) = Store::connect(&url).await.unwrap();
    assert_eq!(report.applied, MIGRATIONS.iter().map(|m| m.version).collect::<Vec<_>>());
    let schema_before = crate::helpers::schema(&first).await;
    drop(first);

    let (second, report) = reopen(&url).await;
    assert!(report.applied.is_empty(), "nothing to apply on the second start");
    assert_eq!(crate::helpers::schema(&second).await, schema_before);
}

#[tokio::test]
async fn a_migration_edited_after_it_was_applied_stops_the_start_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("surrealkv://{}", dir.path().join("db").display());
    let (store, _) = Store::connect(&url).await.unwrap();
    // What an edit of migration 3's text looks like to the next start.
    store.client().query("UPDATE schema_migration SET checksum = 'an older text' WHERE version = 3").await.unwrap();
    drop(store);

    let mut outcome = None;
    for _ in 0..50 {
        match Store::connect(&url).await {
            // The previous handle may still hold the file lock for a moment.
            Err(e) if !matches!(e, engine::Error::MigrationEdited { .. }) => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            other => {
                outcome = Some(other);
                break;
            }
        }
    }
    let err = outcome.expect("the store reopened or refused").map(|_| ()).unwrap_err();
    assert!(matches!(err, engine::Error::MigrationEdited { version: 3, .. }), "{err:?}");
    assert!(err.to_string().contains("migration 3"), "{err}");
}

#[tokio::test]
async fn committed_data_survives_a_restart_of_the_embedded_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("surrealkv://{}", dir.path().join("db").display());
    let (store, _) = Store::connect(&url).await.unwrap();
    engine::seed::run(&store, &crate::helpers::seed_options()).await.unwrap();
    drop(store);

    let (store, _) = reopen(&url).await;
    let services = engine::Services::new(store, engine::Settings::ephemeral().unwrap());
    assert!(services.catalog.product_count().await.unwrap() >= 300);
}

#[tokio::test]
async fn the_schema_rejects_a_product_that_breaks_its_rules() {
    let store = Store::in_memory().await.unwrap();
    let res = store
        .client()
        .query("CREATE product SET slug = 'x', name = 'X', brand = 'B', category = 'c', description = '', price_amount = -1, currency = 'USD', stock = 1, attributes = [], tags = [], search_text = ''")
        .await
        .and_then(|r| r.check());
    assert!(res.is_err(), "a negative price must be refused by the schema");
}

#[tokio::test]
async fn an_in_memory_store_is_ready() {
    assert!(Store::in_memory().await.unwrap().is_ready().await);
}

/// The previous handle's datastore shuts down in the background after the last drop; retry
/// the open briefly while the file lock is released.
async fn reopen(url: &str) -> (Store, engine::store::MigrationReport) {
    let mut last = None;
    for _ in 0..50 {
        match Store::connect(url).await {
            Ok(ok) => return ok,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("could not reopen {url}: {last:?}");
}
