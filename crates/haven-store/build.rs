//! Rebuilds the store when a migration is added or changed: `sqlx::migrate!` embeds
//! the migration folders at compile time, and Cargo does not watch them by itself
//! (sqlx's own advice, `sqlx migrate build-script`).

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
