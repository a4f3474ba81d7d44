//! API keys (only a hash of each secret is stored) and their spending per time window, shared
//! by every instance on the database. Neither table is graph data: writing them must not move
//! the data version that HTTP caches validate on.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ApiKey {
    Table,
    Id,
    Name,
    Prefix,
    Hash,
    Scopes,
    Budget,
    WindowSecs,
    CreatedAt,
    RevokedAt,
    LastUsedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ApiKeyUsage {
    Table,
    KeyId,
    WindowStart,
    Spent,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiKey::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ApiKey::Id))
                    .col(string(ApiKey::Name))
                    // What `keys list` shows of the secret (never enough to use it).
                    .col(string(ApiKey::Prefix))
                    // Hex SHA-256 of the whole secret.
                    .col(string(ApiKey::Hash))
                    // Comma-separated: read, write:catalog, write:postings, import.
                    .col(string(ApiKey::Scopes))
                    // Points per window; no budget means unmetered.
                    .col(big_integer_null(ApiKey::Budget))
                    .col(big_integer_null(ApiKey::WindowSecs))
                    .col(timestamp_with_time_zone(ApiKey::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiKey::RevokedAt))
                    .col(timestamp_with_time_zone_null(ApiKey::LastUsedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiKeyUsage::Table)
                    .if_not_exists()
                    .col(big_integer(ApiKeyUsage::KeyId))
                    // Unix seconds at which the window starts (a multiple of its length).
                    .col(big_integer(ApiKeyUsage::WindowStart))
                    .col(big_integer(ApiKeyUsage::Spent))
                    .primary_key(
                        Index::create()
                            .col(ApiKeyUsage::KeyId)
                            .col(ApiKeyUsage::WindowStart),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiKeyUsage::Table, ApiKeyUsage::KeyId)
                            .to(ApiKey::Table, ApiKey::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(ApiKeyUsage::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ApiKey::Table).if_exists().to_owned())
            .await?;
        Ok(())
    }
}
