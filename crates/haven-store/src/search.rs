//! The people search: tokens kept beside each person, and queries over them.
//! (Placeholder with the agreed interface; the real search lands from its branch.)

use haven_domain::person::{AgeBand, Category, PersonNames, Sex};

use crate::{Id, Reach, Result, Store};

pub(crate) trait SearchIndex {
    async fn reindex_person(&mut self, person_id: Id) -> sqlx::Result<()>;
}

impl SearchIndex for sqlx::SqliteConnection {
    async fn reindex_person(&mut self, _person_id: Id) -> sqlx::Result<()> {
        Ok(())
    }
}

impl SearchIndex for sqlx::PgConnection {
    async fn reindex_person(&mut self, _person_id: Id) -> sqlx::Result<()> {
        Ok(())
    }
}

pub struct PeopleQuery {
    pub text: String,
    pub facility: Option<Id>,
    pub category: Option<Category>,
    pub sex: Option<Sex>,
    pub age_band: Option<AgeBand>,
    pub today: time::Date,
    pub reach: Reach,
    pub limit: i64,
    pub offset: i64,
}

pub struct DuplicateProbe {
    pub names: PersonNames,
    pub birth_date: Option<time::Date>,
    pub identifier_keys: Vec<String>,
    pub exclude: Option<Id>,
}

impl Store {
    pub async fn search_people(&self, _query: &PeopleQuery) -> Result<Vec<Id>> {
        Ok(Vec::new())
    }

    pub async fn possible_duplicates(&self, _probe: &DuplicateProbe) -> Result<Vec<Id>> {
        Ok(Vec::new())
    }
}
