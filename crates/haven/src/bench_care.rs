//! `haven bench care`: times what a programme's care page asks of the database (the
//! figures by sex, overdue reviews, split sibling groups) for every programme with
//! villages or family strengthening, on the configured database.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::Context;
use haven_store::{Id, Store};

pub async fn care(store: &Store, runs: usize) -> anyhow::Result<()> {
    let today = time::OffsetDateTime::now_utc().date();
    let mut programmes: BTreeMap<Id, Vec<Id>> = BTreeMap::new();
    for f in store
        .care_facilities()
        .await
        .context("reading the care facilities")?
    {
        programmes.entry(f.programme_id).or_default().push(f.id);
    }
    if programmes.is_empty() {
        anyhow::bail!(
            "no village or family strengthening office: load demo data first (haven demo)"
        );
    }
    let mut figures = Vec::new();
    let mut overdue = Vec::new();
    let mut split = Vec::new();
    let mut children = 0;
    for ids in programmes.values() {
        // One warm-up, then the timed runs.
        store
            .care_figures(ids, today)
            .await
            .context("counting the figures")?;
        for _ in 0..runs {
            let start = Instant::now();
            let f = store.care_figures(ids, today).await?;
            figures.push(start.elapsed());
            children = children.max(f.in_care.total);
            let start = Instant::now();
            store.overdue_plans(ids, today).await?;
            overdue.push(start.elapsed());
            let start = Instant::now();
            let list = store.care_children_of(ids).await?;
            store.split_sibling_groups(&list).await?;
            split.push(start.elapsed());
        }
    }
    println!(
        "{} programmes with care, {runs} runs each; at most {children} children in care in one programme",
        programmes.len()
    );
    println!("| query | runs | p50 | p95 | p99 | max |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    crate::bench::print_row("figures by sex", &figures);
    crate::bench::print_row("overdue reviews", &overdue);
    crate::bench::print_row("children + split sibling groups", &split);
    Ok(())
}
