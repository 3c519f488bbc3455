//! Versioned schema migrations, applied in order at start-up, each once.
//!
//! Each migration and the row recording it commit in one transaction, so a crash mid-way leaves
//! the version unrecorded and the migration is retried whole. Applying twice changes nothing.

use super::Store;
use crate::{Error, Result};
use surrealdb::types::SurrealValue;

/// One schema step.
pub struct Migration {
    /// Strictly increasing version.
    pub version: u32,
    /// Short name, recorded with the version.
    pub name: &'static str,
    /// SurrealQL to run.
    pub sql: &'static str,
}

/// Every migration, in order. Append only: never edit one that has shipped.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "catalog_accounts_content",
        sql: include_str!("migrations/0001_catalog_accounts_content.surql"),
    },
    Migration { version: 2, name: "refresh_tokens", sql: include_str!("migrations/0002_refresh_tokens.surql") },
    Migration { version: 3, name: "sessions", sql: include_str!("migrations/0003_sessions.surql") },
    Migration { version: 4, name: "commerce", sql: include_str!("migrations/0004_commerce.surql") },
    Migration { version: 5, name: "session_logins", sql: include_str!("migrations/0005_session_logins.surql") },
    Migration { version: 6, name: "assistant", sql: include_str!("migrations/0006_assistant.surql") },
    Migration {
        version: 7,
        name: "checkout_confirmations",
        sql: include_str!("migrations/0007_checkout_confirmations.surql"),
    },
    Migration { version: 8, name: "assistant_brains", sql: include_str!("migrations/0008_assistant_brains.surql") },
    Migration { version: 9, name: "memory", sql: include_str!("migrations/0009_memory.surql") },
    Migration {
        version: 10,
        name: "order_buyer_memory",
        sql: include_str!("migrations/0010_order_buyer_memory.surql"),
    },
    Migration { version: 11, name: "staff_replies", sql: include_str!("migrations/0011_staff_replies.surql") },
    Migration {
        version: 12,
        name: "mail_and_verification",
        sql: include_str!("migrations/0012_mail_and_verification.surql"),
    },
    Migration {
        version: 13,
        name: "assistant_confirmations",
        sql: include_str!("migrations/0013_assistant_confirmations.surql"),
    },
    Migration {
        version: 14,
        name: "discount_customers",
        sql: include_str!("migrations/0014_discount_customers.surql"),
    },
    Migration {
        version: 15,
        name: "real_sales_not_ratings",
        sql: include_str!("migrations/0015_real_sales_not_ratings.surql"),
    },
    Migration {
        version: 16,
        name: "guest_links_and_payment_attempts",
        sql: include_str!("migrations/0016_guest_links_and_payment_attempts.surql"),
    },
    Migration { version: 17, name: "llm_usage_entries", sql: include_str!("migrations/0017_llm_usage_entries.surql") },
];

/// What a start-up did to the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    /// Versions applied by this run (empty when the schema was current).
    pub applied: Vec<u32>,
    /// Version the schema is at now.
    pub current: u32,
}

#[derive(SurrealValue)]
struct AppliedRow {
    version: i64,
    checksum: Option<String>,
}

/// SHA-256 of a migration's text, hex: recorded when it is applied and compared at every start.
fn checksum(sql: &str) -> String {
    hex::encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, sql.as_bytes()))
}

pub(super) async fn apply(store: &Store) -> Result<MigrationReport> {
    let db = store.db();
    db.query(
        "DEFINE TABLE IF NOT EXISTS schema_migration SCHEMAFULL;
         DEFINE FIELD IF NOT EXISTS version ON schema_migration TYPE int;
         DEFINE FIELD IF NOT EXISTS name ON schema_migration TYPE string;
         DEFINE FIELD IF NOT EXISTS applied_at ON schema_migration TYPE datetime;
         DEFINE FIELD IF NOT EXISTS checksum ON schema_migration TYPE option<string>;
         DEFINE INDEX IF NOT EXISTS schema_migration_version ON schema_migration FIELDS version UNIQUE;",
    )
    .await?
    .check()?;
    let mut res = db.query("SELECT version, checksum FROM schema_migration ORDER BY version").await?;
    let rows: Vec<AppliedRow> = res.take(0)?;
    let mut done = Vec::new();
    for row in rows {
        let Some(m) = MIGRATIONS.iter().find(|m| i64::from(m.version) == row.version) else { continue };
        let expected = checksum(m.sql);
        match row.checksum {
            Some(found) if found != expected => {
                return Err(Error::MigrationEdited { version: m.version, name: m.name });
            }
            Some(_) => {}
            // Applied before checksums were recorded: its text now is taken as what ran.
            None => {
                db.query("UPDATE schema_migration SET checksum = $checksum WHERE version = $version")
                    .bind(("checksum", expected))
                    .bind(("version", row.version))
                    .await?
                    .check()?;
            }
        }
        done.push(m.version);
    }

    let mut applied = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| !done.contains(&m.version)) {
        let sql = format!(
            "BEGIN TRANSACTION;\n{}\nCREATE schema_migration SET version = $version, name = $name, applied_at = time::now(), checksum = $checksum;\nCOMMIT TRANSACTION;",
            m.sql
        );
        let fail = |source| Error::Migration { version: m.version, name: m.name, source: Box::new(source) };
        db.query(sql)
            .bind(("version", i64::from(m.version)))
            .bind(("name", m.name))
            .bind(("checksum", checksum(m.sql)))
            .await
            .map_err(fail)?
            .check()
            .map_err(fail)?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
        applied.push(m.version);
    }
    let current = MIGRATIONS.iter().map(|m| m.version).max().unwrap_or(0);
    Ok(MigrationReport { applied, current })
}
