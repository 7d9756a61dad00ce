//! The two migration folders (SQLite for sites, PostgreSQL for the national office)
//! make the same database: the same tables, the same columns in each, the same
//! indexes by name. A migration added to one folder and forgotten in the other, or
//! an index named differently, fails here (types differ by database and are not
//! compared).

use haven_store::testing;

#[tokio::test]
async fn both_databases_get_the_same_tables_columns_and_indexes() {
    let sqlite = testing::sqlite()
        .await
        .schema()
        .await
        .expect("SQLite's schema");
    assert!(
        sqlite.tables.contains_key("person") && sqlite.tables.len() > 40,
        "the SQLite migrations ran: {:?}",
        sqlite.tables.keys().collect::<Vec<_>>()
    );
    let Some(postgres) = testing::postgres().await else {
        return;
    };
    let postgres = postgres.schema().await.expect("PostgreSQL's schema");
    let names =
        |schema: &testing::Schema| -> Vec<String> { schema.tables.keys().cloned().collect() };
    assert_eq!(names(&sqlite), names(&postgres), "the tables differ");
    for (table, columns) in &sqlite.tables {
        assert_eq!(
            Some(columns),
            postgres.tables.get(table),
            "the columns of {table} differ"
        );
    }
    // Differences made on purpose, each with its reason.
    let only_postgres_on_purpose = [
        // On SQLite, person_search_token is WITHOUT ROWID with the primary key
        // (token, person_id), so person_search_token_person already holds the token:
        // 0004_search.sql says so on both sides.
        "person_search_token_person_token",
    ];
    let only_sqlite: Vec<&String> = sqlite.indexes.difference(&postgres.indexes).collect();
    let only_postgres: Vec<&String> = postgres
        .indexes
        .difference(&sqlite.indexes)
        .filter(|name| !only_postgres_on_purpose.contains(&name.as_str()))
        .collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "indexes only on SQLite: {only_sqlite:?}; only on PostgreSQL: {only_postgres:?}"
    );
}
