//! `haven bench search`: times the people search on the configured database against
//! the simplest alternative (a `LIKE '%word%'` scan), with a fixed mix of queries.
//! `haven bench chart`: times the patient chart of a person with 1,000 encounters.

use std::time::{Duration, Instant};

use anyhow::Context;
use haven_domain::person::{AgeBand, Category, Sex};
use haven_store::{PeopleQuery, Reach, Store};

/// The romanised and Khmer queries of the mix: misspellings, one and two words, both
/// orders, fragments.
const NAME_QUERIES: &[&str] = &[
    "Sokha",
    "Sokhar",
    "Chanthi",
    "Srey Pov",
    "sreypov",
    "Sok Dara",
    "Dara Sok",
    "Chan Sopheap",
    "Kim Visal",
    "Meas Chanthy",
    "Pisei",
    "Heng Rithi",
    "Ouk Wanna",
    "so",
    "Thach Bunthoen",
    "Leakhen",
    "សុខា",
    "ស្រីពៅ",
    "ចាន់ សុភាព",
    "គីម",
    "ហេង រិទ្ធី",
];

/// One query of the mix and what kind it is.
struct Case {
    kind: &'static str,
    query: PeopleQuery,
}

pub async fn search(
    store: &Store,
    queries: usize,
    baseline_runs: usize,
    seed: u64,
) -> anyhow::Result<()> {
    let today = time::OffsetDateTime::now_utc().date();
    let samples = store
        .search_samples(seed, 4)
        .await
        .context("reading identifiers and phones to search for")?;
    let base = |text: &str| PeopleQuery {
        text: text.to_owned(),
        facility: None,
        category: None,
        sex: None,
        age_band: None,
        today,
        reach: Reach::Everything,
        limit: 20,
        offset: 0,
    };
    let mut cases: Vec<Case> = NAME_QUERIES
        .iter()
        .map(|text| Case {
            kind: if text.chars().any(haven_domain::person::is_khmer) {
                "khmer"
            } else {
                "romanised"
            },
            query: base(text),
        })
        .collect();
    for identifier in &samples.identifiers {
        cases.push(Case {
            kind: "identifier",
            query: base(identifier),
        });
    }
    for phone in &samples.phones {
        cases.push(Case {
            kind: "phone",
            query: base(phone),
        });
        // The first digits only, as someone types them.
        let digits: String = phone.chars().take(9).collect();
        cases.push(Case {
            kind: "phone",
            query: base(&digits),
        });
    }
    let facility = samples.facilities.first().copied();
    cases.push(Case {
        kind: "filtered",
        query: PeopleQuery {
            facility,
            ..base("Sokha")
        },
    });
    cases.push(Case {
        kind: "filtered",
        query: PeopleQuery {
            sex: Some(Sex::Male),
            age_band: Some(AgeBand::From18To59),
            ..base("Dara")
        },
    });
    cases.push(Case {
        kind: "filtered",
        query: PeopleQuery {
            category: Some(Category::SosChild),
            ..base("Sopheap")
        },
    });
    cases.push(Case {
        kind: "filtered",
        query: PeopleQuery {
            facility,
            age_band: Some(AgeBand::From1To4),
            ..base("")
        },
    });

    // Warm-up: one run of each, so caches hold what a running server's would.
    for case in &cases {
        store.search_people(&case.query).await?;
        store
            .search_people_like_baseline(&case.query.text, case.query.limit)
            .await?;
    }
    let mut indexed: Vec<(&str, Duration)> = Vec::new();
    let mut baseline: Vec<Duration> = Vec::new();
    let mut found = 0usize;
    for run in 0..queries {
        for case in &cases {
            let started = Instant::now();
            let answer = store.search_people(&case.query).await?;
            indexed.push((case.kind, started.elapsed()));
            found += answer.len();
            if run < baseline_runs {
                let started = Instant::now();
                store
                    .search_people_like_baseline(&case.query.text, case.query.limit)
                    .await?;
                baseline.push(started.elapsed());
            }
        }
    }
    println!(
        "{} queries in the mix, {} runs each (baseline: {} runs); {} answers in all",
        cases.len(),
        queries,
        baseline_runs.min(queries),
        found
    );
    println!("| search | queries | p50 | p95 | p99 | max |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let all: Vec<Duration> = indexed.iter().map(|(_, took)| *took).collect();
    print_row("indexed (all)", &all);
    for kind in ["romanised", "khmer", "identifier", "phone", "filtered"] {
        let of_kind: Vec<Duration> = indexed
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, took)| *took)
            .collect();
        if !of_kind.is_empty() {
            print_row(&format!("indexed: {kind}"), &of_kind);
        }
    }
    print_row("LIKE baseline (all)", &baseline);
    Ok(())
}

pub(crate) fn print_row(label: &str, times: &[Duration]) {
    let mut sorted = times.to_vec();
    sorted.sort();
    let at = |quantile: f64| -> String {
        if sorted.is_empty() {
            return "-".to_owned();
        }
        let index = ((sorted.len() as f64 * quantile).ceil() as usize).clamp(1, sorted.len()) - 1;
        millis(sorted[index])
    };
    println!(
        "| {label} | {} | {} | {} | {} | {} |",
        sorted.len(),
        at(0.50),
        at(0.95),
        at(0.99),
        sorted.last().map_or("-".to_owned(), |max| millis(*max))
    );
}

fn millis(took: Duration) -> String {
    format!("{:.2} ms", took.as_secs_f64() * 1000.0)
}

/// Writes a person with `encounters` encounters, then times reading their chart from
/// the store and rendering the whole page (reads, timeline, template) `runs` times.
pub async fn chart(store: &Store, encounters: usize, runs: usize) -> anyhow::Result<()> {
    use haven_domain::{DisplayName, Language, Role, Scope, Username};
    let started = Instant::now();
    let (_, person) = store
        .load_bench_patient(encounters)
        .await
        .context("writing the bench patient")?;
    println!(
        "wrote a person with {encounters} encounters in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let username = format!("bench-{}", &haven_store::Id::new().to_string()[..8]);
    let user = store
        .create_user(
            &haven_store::Actor::system(),
            haven_store::NewUser {
                username: Username::parse(&username).map_err(|e| anyhow::anyhow!("{e}"))?,
                display_name: DisplayName::parse("Bench doctor")
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
                password_hash: haven_store::password::decoy_hash()?,
                language: Language::English,
            },
        )
        .await
        .context("making the bench user")?;
    let roles = vec![(Role::Doctor, Scope::All)];
    let state = haven_web::AppState::new(
        haven_app::App::new(store.clone()),
        haven_web::WebConfig::default(),
    )
    .context("building the web state")?;
    let viewer = haven_store::clinic::Viewer::everything();
    let records = store.records_of(person).await?;
    let mut size = 0;
    for _ in 0..3 {
        size = haven_web::pages::clinic::chart::bench_render(&state, &user, roles.clone(), person)
            .await
            .map_err(|e| anyhow::anyhow!("rendering the chart: {e}"))?;
    }
    let mut reads = Vec::new();
    let mut renders = Vec::new();
    let mut entries = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let data = store
            .chart(
                &viewer,
                &records,
                &haven_store::clinic::ChartWindow::newest(100),
            )
            .await?;
        reads.push(started.elapsed());
        entries = data.len();
        let started = Instant::now();
        haven_web::pages::clinic::chart::bench_render(&state, &user, roles.clone(), person)
            .await
            .map_err(|e| anyhow::anyhow!("rendering the chart: {e}"))?;
        renders.push(started.elapsed());
    }
    println!(
        "{entries} chart records read for the first page; page {} KB ({} entries a page); {runs} runs",
        size / 1024,
        haven_web::pages::clinic::chart::PAGE_SIZE
    );
    println!("| chart, {encounters} encounters | runs | p50 | p95 | p99 | max |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    print_row("store reads only", &reads);
    print_row("whole page (reads, timeline, template)", &renders);
    Ok(())
}
