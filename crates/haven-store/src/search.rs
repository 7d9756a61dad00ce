//! The people search: tokens kept beside each person, and queries over them.
//!
//! `person_search_token` holds one row per search key of a person (see
//! `haven_domain::search` for the token format). Every lookup is a byte-order range
//! scan `token >= $1 AND token < $2` on its primary key (`WITHOUT ROWID` on SQLite,
//! `COLLATE "C"` on PostgreSQL), so one query text runs on both databases.
//!
//! A name search is driven by its most selective word: the word whose range holds the
//! fewest tokens (counted up to [`SCAN_LIMIT`]). At most [`SCAN_LIMIT`] of its tokens are
//! read, in token order (an exact key first, then longer keys in order), and each
//! candidate is kept when every other word is the prefix of one of its tokens
//! (an index-only lookup by person). A query whose every word is that common
//! ("s a") answers from the first candidates only: typing more narrows it.

use haven_domain::person::{AgeBand, Category, PersonNames, Sex};
use haven_domain::search::{
    person_tokens, plan_query, prefix_range, whole_name_tokens, PersonTokenInput, QueryPlan,
    IDENTIFIER,
};
use time::Date;

use crate::db::on_pool;
use crate::{Id, Reach, Result, Store};

/// What a people search asks for.
#[derive(Clone, Debug)]
pub struct PeopleQuery {
    /// What was typed; may be empty (then filters only, ordered by name).
    pub text: String,
    /// Only people registered at this facility.
    pub facility: Option<Id>,
    /// Only people currently in this category.
    pub category: Option<Category>,
    pub sex: Option<Sex>,
    /// Only people whose age today falls in this band.
    pub age_band: Option<AgeBand>,
    pub today: Date,
    /// Only people whose registered facility the reader reaches.
    pub reach: Reach,
    /// Clamped to 1..=200.
    pub limit: i64,
    pub offset: i64,
}

/// A record about to be saved, to look for records of the same person.
#[derive(Clone, Debug)]
pub struct DuplicateProbe {
    pub names: PersonNames,
    pub birth_date: Option<Date>,
    pub identifier_keys: Vec<String>,
    pub exclude: Option<Id>,
}

/// Keeps a person's search tokens. Implemented for both databases' connections.
pub(crate) trait SearchIndex {
    /// Rewrites the person's tokens from their current row in `person` and their
    /// identifiers that are not retired. Called inside the writing transaction after
    /// every change to a person's names, phone or identifiers.
    async fn reindex_person(&mut self, person_id: Id) -> sqlx::Result<()>;
}

/// The most tokens of one word a search reads, and the most it counts when choosing
/// the word that drives.
pub const SCAN_LIMIT: i64 = 2000;
/// At most this many records are followed along a chain of merges.
const MAX_MERGE_CHAIN: usize = 16;
/// The most possible duplicates answered.
const MAX_DUPLICATES: usize = 10;

type NameRow = (
    Id,
    Option<Id>,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<Id>,
    String,
    Date,
);

const NAME_COLUMNS: &str = "p.id, p.merged_into, p.family_name_km, p.given_name_km, \
     p.family_name_latin, p.given_name_latin, p.other_names, p.nicknames, \
     p.registered_facility_id, p.sex, p.birth_date";

macro_rules! impl_search_index {
    ($connection:ty) => {
        impl SearchIndex for $connection {
            async fn reindex_person(&mut self, person_id: Id) -> sqlx::Result<()> {
                let row: Option<(String, String, String, String, String, String, String)> =
                    sqlx::query_as(
                        "SELECT family_name_km, given_name_km, family_name_latin, given_name_latin,
                             other_names, nicknames, phone_key
                         FROM person WHERE id = $1",
                    )
                    .bind(person_id)
                    .fetch_optional(&mut *self)
                    .await?;
                sqlx::query("DELETE FROM person_search_token WHERE person_id = $1")
                    .bind(person_id)
                    .execute(&mut *self)
                    .await?;
                let Some((family_km, given_km, family_latin, given_latin, other, nick, phone)) =
                    row
                else {
                    return Ok(());
                };
                let identifier_keys: Vec<String> = sqlx::query_scalar(
                    "SELECT value_key FROM person_identifier
                     WHERE person_id = $1 AND retired_at IS NULL",
                )
                .bind(person_id)
                .fetch_all(&mut *self)
                .await?;
                let tokens = person_tokens(&PersonTokenInput {
                    family_km: &family_km,
                    given_km: &given_km,
                    family_latin: &family_latin,
                    given_latin: &given_latin,
                    other_names: &other,
                    nicknames: &nick,
                    phone_key: &phone,
                    identifier_keys: &identifier_keys,
                });
                if tokens.is_empty() {
                    return Ok(());
                }
                let mut insert =
                    sqlx::QueryBuilder::new("INSERT INTO person_search_token (token, person_id) ");
                insert.push_values(&tokens, |mut row, token| {
                    row.push_bind(token.as_str()).push_bind(person_id);
                });
                insert.build().execute(&mut *self).await?;
                Ok(())
            }
        }
    };
}

impl_search_index!(sqlx::SqliteConnection);
impl_search_index!(sqlx::PgConnection);

/// A value bound to a query built at run time.
#[derive(Clone, Debug)]
enum Bind {
    Text(String),
    Id(Id),
    Date(Date),
}

/// Binds every value in order to a query built with `$n` placeholders.
macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bind in $binds {
            query = match bind {
                Bind::Text(text) => query.bind(text.clone()),
                Bind::Id(id) => query.bind(*id),
                Bind::Date(date) => query.bind(*date),
            };
        }
        query
    }};
}

/// SQL text and its values, numbering placeholders as values are added.
#[derive(Default)]
struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Adds a value and its placeholder.
    fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        self.text.push_str(&format!("${}", self.binds.len()));
        self
    }

    /// `AND` the query's filters on the person `p`. False when the reach holds
    /// nobody, so there is nothing to search.
    fn filters(&mut self, query: &PeopleQuery) -> bool {
        if let Some(facility) = query.facility {
            self.push(" AND p.registered_facility_id = ")
                .bind(Bind::Id(facility));
        }
        if let Some(sex) = query.sex {
            self.push(" AND p.sex = ")
                .bind(Bind::Text(sex.code().to_owned()));
        }
        if let Some(band) = query.age_band {
            let (after, on_or_before) = band.birth_dates(query.today);
            if let Some(after) = after {
                self.push(" AND p.birth_date > ").bind(Bind::Date(after));
            }
            self.push(" AND p.birth_date <= ")
                .bind(Bind::Date(on_or_before));
        }
        if let Some(category) = query.category {
            self.push(
                " AND EXISTS (SELECT 1 FROM person_category c WHERE c.person_id = p.id \
                 AND c.ended_at IS NULL AND c.category = ",
            )
            .bind(Bind::Text(category.code().to_owned()))
            .push(")");
        }
        match &query.reach {
            Reach::Everything => true,
            Reach::Facilities {
                ids,
                include_unplaced,
            } => {
                if ids.is_empty() && !include_unplaced {
                    return false;
                }
                self.push(" AND (");
                if !ids.is_empty() {
                    self.push("p.registered_facility_id IN (");
                    for (i, id) in ids.iter().enumerate() {
                        if i > 0 {
                            self.push(", ");
                        }
                        self.bind(Bind::Id(*id));
                    }
                    self.push(")");
                    if *include_unplaced {
                        self.push(" OR ");
                    }
                }
                if *include_unplaced {
                    self.push("p.registered_facility_id IS NULL");
                }
                self.push(")");
                true
            }
        }
    }
}

/// One record a search found, before ranking.
struct Found {
    id: Id,
    merged_into: Option<Id>,
    exactness: usize,
    sort_key: (String, String, String, String),
}

impl Found {
    fn from_row(row: NameRow, plan: &QueryPlan) -> Found {
        let (id, merged_into, family_km, given_km, family_latin, given_latin, other, nick, ..) =
            row;
        let tokens = person_tokens(&PersonTokenInput {
            family_km: &family_km,
            given_km: &given_km,
            family_latin: &family_latin,
            given_latin: &given_latin,
            other_names: &other,
            nicknames: &nick,
            ..PersonTokenInput::default()
        });
        Found {
            id,
            merged_into,
            exactness: plan.exactness(&tokens),
            sort_key: (
                family_latin.to_lowercase(),
                given_latin.to_lowercase(),
                family_km,
                given_km,
            ),
        }
    }
}

impl Store {
    /// Best matches first (exact keys before prefixes, then by name). Records merged
    /// into another are answered as the record they were merged into, once; records
    /// entered in error never appear.
    pub async fn search_people(&self, query: &PeopleQuery) -> Result<Vec<Id>> {
        let limit = query.limit.clamp(1, 200);
        let offset = query.offset.max(0);
        if matches!(&query.reach, Reach::Facilities { ids, include_unplaced: false } if ids.is_empty())
        {
            return Ok(Vec::new());
        }
        let plan = plan_query(&query.text);
        if plan.is_empty() {
            return self.list_people_by_name(query, limit, offset).await;
        }
        // Enough candidates to rank the page asked for.
        let window = (offset + limit).saturating_mul(2).saturating_add(20);
        let mut found: Vec<Found> = Vec::new();
        if let Some(identifier) = &plan.identifier {
            let mut sql = Sql::default();
            sql.push(&format!(
                "SELECT {NAME_COLUMNS} FROM person_search_token t JOIN person p ON p.id = t.person_id \
                 WHERE t.token = "
            ))
            .bind(Bind::Text(identifier.clone()))
            .push(" AND p.entered_in_error_at IS NULL");
            sql.filters(query);
            found.extend(self.found(&sql, &plan).await?);
        }
        if let Some(phone) = &plan.phone {
            found.extend(self.lookup(phone, &[], query, &plan, window).await?);
        }
        // The whole query written together first: "Sok Dara" is most often the family
        // and given name in one order or the other, and this lookup is one range.
        let mut saturated = false;
        if let Some(compact) = &plan.compact {
            let rows = self.lookup(compact, &[], query, &plan, window).await?;
            saturated = rows.len() >= usize::try_from(window).unwrap_or(usize::MAX);
            found.extend(rows);
        }
        // Every word as the prefix of some token, when the whole query did not already
        // give a full window of candidates (those rank first: they match more exactly).
        if !plan.words.is_empty() && !saturated {
            let (driver, others) = self.choose_driver(&plan.words).await?;
            found.extend(self.lookup(&driver, &others, query, &plan, window).await?);
        }

        // Merged records are answered as their survivors, which must pass the filters
        // too.
        let mut answers: Vec<Found> = Vec::new();
        for candidate in found {
            let answer = match candidate.merged_into {
                None => Some(candidate),
                Some(_) => self.survivor(&candidate, query, &plan).await?,
            };
            if let Some(answer) = answer {
                answers.push(answer);
            }
        }
        answers.sort_by(|a, b| {
            b.exactness
                .cmp(&a.exactness)
                .then_with(|| a.sort_key.cmp(&b.sort_key))
                .then_with(|| a.id.cmp(&b.id))
        });
        let mut seen = std::collections::HashSet::new();
        Ok(answers
            .into_iter()
            .map(|found| found.id)
            .filter(|id| seen.insert(*id))
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(200))
            .collect())
    }

    /// Possible duplicates of a record about to be saved: anyone holding one of the
    /// identifier keys; or anyone whose whole name sounds the same (family and given,
    /// in either order, romanised) or is the same in Khmer script, and whose date of
    /// birth is within 366 days (any date of birth when the probe has none). At most
    /// 10, identifier matches first.
    pub async fn possible_duplicates(&self, probe: &DuplicateProbe) -> Result<Vec<Id>> {
        let identifiers: Vec<String> = probe
            .identifier_keys
            .iter()
            .map(|key| haven_domain::person::identifier_key(key))
            .filter(|key| !key.is_empty())
            .map(|key| format!("{IDENTIFIER}{key}"))
            .collect();
        let names = whole_name_tokens(
            probe.names.family_km(),
            probe.names.given_km(),
            probe.names.family_latin(),
            probe.names.given_latin(),
        );
        let mut ids = Vec::new();
        for (tokens, dated) in [(identifiers, false), (names, true)] {
            if tokens.is_empty() {
                continue;
            }
            let mut sql = Sql::default();
            sql.push(
                "SELECT DISTINCT p.id FROM person_search_token t JOIN person p ON p.id = t.person_id \
                 WHERE t.token IN (",
            );
            for (i, token) in tokens.into_iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(Bind::Text(token));
            }
            sql.push(") AND p.merged_into IS NULL AND p.entered_in_error_at IS NULL");
            if let (true, Some(born)) = (dated, probe.birth_date) {
                sql.push(" AND p.birth_date >= ")
                    .bind(Bind::Date(born.saturating_sub(time::Duration::days(366))))
                    .push(" AND p.birth_date <= ")
                    .bind(Bind::Date(born.saturating_add(time::Duration::days(366))));
            }
            if let Some(exclude) = probe.exclude {
                sql.push(" AND p.id <> ").bind(Bind::Id(exclude));
            }
            sql.push(&format!(" ORDER BY p.id LIMIT {}", MAX_DUPLICATES));
            let found: Vec<Id> = on_pool!(&self.pool, pool => {
                bind_all!(sqlx::query_scalar::<_, Id>(&sql.text), &sql.binds)
                    .fetch_all(pool)
                    .await?
            });
            for id in found {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        ids.truncate(MAX_DUPLICATES);
        Ok(ids)
    }

    /// The simplest alternative to the token search, for the benchmark only: every
    /// word must appear somewhere in a name column (`LIKE '%word%'`, scanning the
    /// table), without ranking.
    pub async fn search_people_like_baseline(&self, text: &str, limit: i64) -> Result<Vec<Id>> {
        let words: Vec<String> = haven_domain::text::normalise(text)
            .to_lowercase()
            .split_whitespace()
            .take(6)
            .map(|word| format!("%{}%", word.replace(['%', '_', '\\'], "")))
            .collect();
        let mut sql = Sql::default();
        sql.push("SELECT p.id FROM person p WHERE p.entered_in_error_at IS NULL AND p.merged_into IS NULL");
        for word in words {
            sql.push(" AND (");
            for (i, column) in [
                "family_name_latin",
                "given_name_latin",
                "family_name_km",
                "given_name_km",
                "other_names",
                "nicknames",
                "phone_key",
            ]
            .iter()
            .enumerate()
            {
                if i > 0 {
                    sql.push(" OR ");
                }
                sql.push(&format!("LOWER(p.{column}) LIKE "))
                    .bind(Bind::Text(word.clone()));
            }
            sql.push(")");
        }
        sql.push(&format!(" LIMIT {}", limit.clamp(1, 200)));
        Ok(on_pool!(&self.pool, pool => {
            bind_all!(sqlx::query_scalar::<_, Id>(&sql.text), &sql.binds)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Rewrites every person's search tokens, 500 people per transaction. For after a
    /// change to how tokens are made, and for tests that write people with raw SQL.
    pub async fn rebuild_search_index(&self) -> Result<u64> {
        let ids: Vec<Id> = on_pool!(&self.pool, pool => {
            sqlx::query_scalar("SELECT id FROM person ORDER BY id").fetch_all(pool).await?
        });
        for chunk in ids.chunks(500) {
            on_pool!(&self.pool, pool => {
                use crate::db::BeginWrite;
                let mut tx = pool.begin_write().await?;
                for id in chunk {
                    tx.reindex_person(*id).await?;
                }
                tx.commit().await?;
            });
        }
        Ok(ids.len() as u64)
    }

    /// People who pass the filters, by name, when nothing was typed.
    async fn list_people_by_name(
        &self,
        query: &PeopleQuery,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Id>> {
        let mut sql = Sql::default();
        sql.push(
            "SELECT p.id FROM person p WHERE p.merged_into IS NULL AND p.entered_in_error_at IS NULL",
        );
        if !sql.filters(query) {
            return Ok(Vec::new());
        }
        sql.push(&format!(
            " ORDER BY p.family_name_latin, p.given_name_latin, p.family_name_km, p.given_name_km, p.id \
             LIMIT {limit} OFFSET {offset}"
        ));
        Ok(on_pool!(&self.pool, pool => {
            bind_all!(sqlx::query_scalar::<_, Id>(&sql.text), &sql.binds)
                .fetch_all(pool)
                .await?
        }))
    }

    /// The word whose range holds the fewest tokens drives; the others check.
    async fn choose_driver(&self, words: &[String]) -> Result<(String, Vec<String>)> {
        let mut counted: Vec<(i64, String)> = Vec::new();
        if words.len() == 1 {
            return Ok((words[0].clone(), Vec::new()));
        }
        for word in words {
            let (start, end) = prefix_range(word);
            let count: i64 = on_pool!(&self.pool, pool => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM person_search_token
                     WHERE token >= $1 AND token < $2 LIMIT $3) AS counted",
                )
                .bind(start)
                .bind(end)
                .bind(SCAN_LIMIT + 1)
                .fetch_one(pool)
                .await?
            });
            counted.push((count, word.clone()));
        }
        // Stable: among equals, the longer word (the plan's order) drives.
        counted.sort_by_key(|(count, _)| *count);
        let mut words = counted.into_iter().map(|(_, word)| word);
        let driver = words.next().unwrap_or_default();
        Ok((driver, words.collect()))
    }

    /// The people a token range finds (see [`candidates_query`]), read from `person`
    /// with the query's filters, a chunk at a time until `window` pass.
    async fn lookup(
        &self,
        prefix: &str,
        others: &[String],
        query: &PeopleQuery,
        plan: &QueryPlan,
        window: i64,
    ) -> Result<Vec<Found>> {
        let filtered = query.facility.is_some()
            || query.sex.is_some()
            || query.age_band.is_some()
            || query.category.is_some()
            || query.reach != Reach::Everything;
        let sql = candidates_query(prefix, others, if filtered { SCAN_LIMIT } else { window });
        let mut ids: Vec<Id> = on_pool!(&self.pool, pool => {
            bind_all!(sqlx::query_scalar::<_, Id>(&sql.text), &sql.binds)
                .fetch_all(pool)
                .await?
        });
        let mut seen = std::collections::HashSet::new();
        ids.retain(|id| seen.insert(*id));
        let mut found = Vec::new();
        let wanted = usize::try_from(window).unwrap_or(usize::MAX);
        // The rows are read by primary key only, and the filters checked here: with a
        // filter in the SQL, a planner may walk that filter's index instead (a whole
        // facility) and check the ids against the list.
        for chunk in ids.chunks(if filtered { 200 } else { wanted.max(1) }) {
            let mut sql = Sql::default();
            sql.push(&format!(
                "SELECT {NAME_COLUMNS} FROM person p WHERE p.id IN ("
            ));
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(Bind::Id(*id));
            }
            sql.push(") AND p.entered_in_error_at IS NULL");
            let rows: Vec<NameRow> = on_pool!(&self.pool, pool => {
                bind_all!(sqlx::query_as::<_, NameRow>(&sql.text), &sql.binds)
                    .fetch_all(pool)
                    .await?
            });
            let mut rows: Vec<NameRow> = rows
                .into_iter()
                .filter(|row| passes_row_filters(query, row.8, &row.9, row.10))
                .collect();
            if let (Some(category), false) = (query.category, rows.is_empty()) {
                let mut sql = Sql::default();
                sql.push("SELECT person_id FROM person_category WHERE category = ")
                    .bind(Bind::Text(category.code().to_owned()))
                    .push(" AND ended_at IS NULL AND person_id IN (");
                for (i, row) in rows.iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.bind(Bind::Id(row.0));
                }
                sql.push(")");
                let in_category: std::collections::HashSet<Id> = on_pool!(&self.pool, pool => {
                    bind_all!(sqlx::query_scalar::<_, Id>(&sql.text), &sql.binds)
                        .fetch_all(pool)
                        .await?
                })
                .into_iter()
                .collect();
                rows.retain(|row| in_category.contains(&row.0));
            }
            found.extend(rows.into_iter().map(|row| Found::from_row(row, plan)));
            if found.len() >= wanted {
                break;
            }
        }
        Ok(found)
    }

    async fn found(&self, sql: &Sql, plan: &QueryPlan) -> Result<Vec<Found>> {
        let rows: Vec<NameRow> = on_pool!(&self.pool, pool => {
            bind_all!(sqlx::query_as::<_, NameRow>(&sql.text), &sql.binds)
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|row| Found::from_row(row, plan))
            .collect())
    }

    /// The record `found` was merged into (following the chain), if it is not
    /// entered in error and passes the query's filters.
    async fn survivor(
        &self,
        found: &Found,
        query: &PeopleQuery,
        plan: &QueryPlan,
    ) -> Result<Option<Found>> {
        let mut current = found.merged_into;
        for _ in 0..MAX_MERGE_CHAIN {
            let Some(id) = current else {
                return Ok(None);
            };
            let mut sql = Sql::default();
            sql.push(&format!(
                "SELECT {NAME_COLUMNS} FROM person p WHERE p.id = "
            ))
            .bind(Bind::Id(id))
            .push(" AND p.entered_in_error_at IS NULL");
            if !sql.filters(query) {
                return Ok(None);
            }
            let row: Option<NameRow> = on_pool!(&self.pool, pool => {
                bind_all!(sqlx::query_as::<_, NameRow>(&sql.text), &sql.binds)
                    .fetch_optional(pool)
                    .await?
            });
            let Some(row) = row else {
                return Ok(None);
            };
            let survivor = Found::from_row(row, plan);
            if survivor.merged_into.is_none() {
                return Ok(Some(Found {
                    exactness: found.exactness.max(survivor.exactness),
                    ..survivor
                }));
            }
            current = survivor.merged_into;
        }
        Ok(None)
    }
}

/// The query's filters other than the category, on one person's row.
fn passes_row_filters(query: &PeopleQuery, facility: Option<Id>, sex: &str, born: Date) -> bool {
    query.facility.is_none_or(|wanted| facility == Some(wanted))
        && query.sex.is_none_or(|wanted| wanted.code() == sex)
        && query.age_band.is_none_or(|band| {
            let (after, on_or_before) = band.birth_dates(query.today);
            born <= on_or_before && after.is_none_or(|after| born > after)
        })
        && query.reach.holds(facility)
}

/// The people holding a token in `prefix`'s range (at most [`SCAN_LIMIT`] tokens
/// read, in token order) who also hold a token in each of `others`' ranges: at most
/// `limit` rows, from the token table's indexes alone.
fn candidates_query(prefix: &str, others: &[String], limit: i64) -> Sql {
    let (start, end) = prefix_range(prefix);
    let mut sql = Sql::default();
    sql.push(
        "SELECT c.person_id FROM (SELECT token, person_id FROM person_search_token \
         WHERE token >= ",
    )
    .bind(Bind::Text(start))
    .push(" AND token < ")
    .bind(Bind::Text(end))
    .push(&format!(
        " ORDER BY token, person_id LIMIT {SCAN_LIMIT}) AS c WHERE 1 = 1"
    ));
    for other in others {
        let (start, end) = prefix_range(other);
        sql.push(
            " AND EXISTS (SELECT 1 FROM person_search_token w WHERE w.person_id = c.person_id \
             AND w.token >= ",
        )
        .bind(Bind::Text(start))
        .push(" AND w.token < ")
        .bind(Bind::Text(end))
        .push(")");
    }
    // No ORDER BY: the candidates are ranked in Rust, and an ORDER BY here would make
    // both databases sort instead of stopping at the limit.
    sql.push(&format!(" LIMIT {limit}"));
    sql
}

/// Real keys to search for in a benchmark, read from the database.
#[derive(Clone, Debug, Default)]
pub struct SearchSamples {
    /// Identifiers as written (Haven numbers, national ids ...).
    pub identifiers: Vec<String>,
    /// Phone numbers as written.
    pub phones: Vec<String>,
    pub facilities: Vec<Id>,
}

impl Store {
    /// A few identifiers, phones and facilities from the database, spread through it
    /// by `seed`, for `haven bench search`.
    pub async fn search_samples(&self, seed: u64, how_many: usize) -> Result<SearchSamples> {
        let mut samples = SearchSamples::default();
        let people: i64 = on_pool!(&self.pool, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM person_identifier").fetch_one(pool).await?
        });
        let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let mut next = |below: i64| -> i64 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            i64::try_from((state >> 33) % u64::try_from(below.max(1)).unwrap_or(1)).unwrap_or(0)
        };
        for _ in 0..how_many {
            let offset = next(people);
            let found: Option<String> = on_pool!(&self.pool, pool => {
                sqlx::query_scalar("SELECT value FROM person_identifier ORDER BY id LIMIT 1 OFFSET $1")
                    .bind(offset)
                    .fetch_optional(pool)
                    .await?
            });
            samples.identifiers.extend(found);
            let offset = next(people / 5);
            let found: Option<String> = on_pool!(&self.pool, pool => {
                sqlx::query_scalar("SELECT phone FROM person WHERE phone <> '' ORDER BY id LIMIT 1 OFFSET $1")
                    .bind(offset)
                    .fetch_optional(pool)
                    .await?
            });
            samples.phones.extend(found);
        }
        samples.facilities = on_pool!(&self.pool, pool => {
            sqlx::query_scalar("SELECT id FROM facility WHERE kind <> 'national_office' ORDER BY id")
                .fetch_all(pool)
                .await?
        });
        Ok(samples)
    }
}
