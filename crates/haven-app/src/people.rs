//! The registry: finding and reading people within the caller's read reach, and
//! registering and changing people within their write reach (identifiers,
//! categories, relationships, death, merges), imports and exports included.
//!
//! A person out of reach answers exactly like a person who does not exist. Writes
//! check WRITE scope, never read scope: a nurse at one centre who is also an SOS
//! parent for the whole country reads widely but writes only at her centre.

use haven_domain::person::{
    check_death_date, AgeBand, Category, Identifier, IdentifierKind, RelationshipKind, Sex,
};
use haven_domain::{Action, Kind};
use haven_store::{
    DuplicateProbe, Facility, Id, NewPerson, PeopleQuery, Person, PersonDetails, PersonIdentifier,
    PersonMerge, Reach, RelationshipView, StoreError,
};
use time::Date;

use crate::access::reach;
use crate::{App, AppError, Caller, Result};

const PERSON: &str = "person";

impl App {
    /// How far the caller's roles that may do `action` to people reach.
    pub async fn person_reach(&self, caller: &Caller, action: Action) -> Result<Reach> {
        reach(self.store(), caller, action, Kind::Person).await
    }

    /// A person the caller may read (`Read Person`, in read reach), or not found.
    /// Records entered in error are not found either.
    pub async fn person_to_read(&self, caller: &Caller, id: Id) -> Result<Person> {
        caller.require(Action::Read, Kind::Person)?;
        let person = self.existing_person(id).await?;
        let reach = self.person_reach(caller, Action::Read).await?;
        if !reach.holds(person.registered_facility_id) {
            return Err(AppError::NotFound { entity: PERSON });
        }
        Ok(person)
    }

    /// A person the caller may change with the permission `kind` (`Write Person`,
    /// `Write PersonMerge`): in the caller's WRITE reach. A person the caller may read
    /// but not change is forbidden; one they cannot read is not found.
    pub async fn person_to_write(&self, caller: &Caller, id: Id, kind: Kind) -> Result<Person> {
        caller.require(Action::Write, kind)?;
        let person = self.existing_person(id).await?;
        let read = self.person_reach(caller, Action::Read).await?;
        if !read.holds(person.registered_facility_id) {
            return Err(AppError::NotFound { entity: PERSON });
        }
        let write = reach(self.store(), caller, Action::Write, kind).await?;
        if !write.holds(person.registered_facility_id) {
            return Err(AppError::ScopeBeyondYours);
        }
        Ok(person)
    }

    /// Registers a person at a facility within the caller's write reach.
    pub async fn register_person(&self, caller: &Caller, new: &NewPerson) -> Result<Person> {
        caller.require(Action::Write, Kind::Person)?;
        self.may_place(caller, new.details.registered_facility)
            .await?;
        Ok(self.store().create_person(&caller.actor(), new).await?)
    }

    /// Changes a person's details (and, where given, categories), naming the version
    /// read. Both the person's facility now and the one they move to must be in the
    /// caller's write reach.
    pub async fn update_person(
        &self,
        caller: &Caller,
        id: Id,
        version: i64,
        details: &PersonDetails,
        categories: Option<&[Category]>,
    ) -> Result<Person> {
        let person = self.person_to_write(caller, id, Kind::Person).await?;
        self.may_place(caller, details.registered_facility).await?;
        let store = self.store();
        let actor = caller.actor();
        let updated = store
            .update_person(&actor, person.id, version, details)
            .await?;
        if let Some(categories) = categories {
            store.set_categories(&actor, person.id, categories).await?;
        }
        Ok(updated)
    }

    /// Refuses a facility (or none) outside the caller's write reach for people.
    pub async fn may_place(&self, caller: &Caller, facility: Option<Id>) -> Result<()> {
        let reach = self.person_reach(caller, Action::Write).await?;
        if reach.holds(facility) {
            Ok(())
        } else {
            Err(AppError::ScopeBeyondYours)
        }
    }

    async fn existing_person(&self, id: Id) -> Result<Person> {
        let person = self.store().person(id).await?;
        if person.entered_in_error_at.is_some() {
            return Err(AppError::NotFound { entity: PERSON });
        }
        Ok(person)
    }
}

impl App {
    /// Refuses a caller who may register nobody, before their form is read.
    pub fn may_register_people(&self, caller: &Caller) -> Result<()> {
        caller.require(Action::Write, Kind::Person)
    }
}

// ---------------------------------------------------------------------------
// Finding people

/// A search of the registry: what was typed and the filters (each `None` is no
/// filter), and which page.
#[derive(Clone, Debug)]
pub struct PeopleSearch {
    pub text: String,
    pub facility: Option<Id>,
    pub category: Option<Category>,
    pub sex: Option<Sex>,
    pub age_band: Option<AgeBand>,
    /// Today where the site is, for the age bands.
    pub today: Date,
    pub limit: i64,
    pub offset: i64,
}

/// A person in a list, with their Haven number.
#[derive(Clone, Debug)]
pub struct ListedPerson {
    pub person: Person,
    pub haven_number: Option<String>,
}

/// A person as an export writes them: every current identifier and category.
#[derive(Clone, Debug)]
pub struct ExportedPerson {
    pub person: Person,
    pub identifiers: Vec<PersonIdentifier>,
    pub categories: Vec<Category>,
}

/// The most people one export holds.
pub const EXPORT_MAX_PEOPLE: i64 = 10_000;

impl App {
    /// Refuses a caller who may read nobody (`Read Person`), before a query is read.
    pub fn may_read_people(&self, caller: &Caller) -> Result<()> {
        caller.require(Action::Read, Kind::Person)
    }

    /// The people the search finds in the caller's read reach, best matches first:
    /// never a record merged into another or entered in error. Needs `Read Person`.
    pub async fn search_people(
        &self,
        caller: &Caller,
        search: &PeopleSearch,
    ) -> Result<Vec<ListedPerson>> {
        caller.require(Action::Read, Kind::Person)?;
        let reach = self.person_reach(caller, Action::Read).await?;
        let store = self.store();
        let ids = store
            .search_people(&people_query(search, reach.clone()))
            .await?;
        let people: Vec<Person> = store
            .people(&ids)
            .await?
            .into_iter()
            .filter(|person| is_shown(person, &reach))
            .collect();
        let ids: Vec<Id> = people.iter().map(|p| p.id).collect();
        let numbers = store.haven_numbers(&ids).await?;
        Ok(people
            .into_iter()
            .map(|person| ListedPerson {
                haven_number: numbers
                    .iter()
                    .find(|(id, _)| *id == person.id)
                    .map(|(_, number)| number.clone()),
                person,
            })
            .collect())
    }

    /// The people the search finds (as [`App::search_people`], at most
    /// [`EXPORT_MAX_PEOPLE`]), with their identifiers and categories, for a file that
    /// leaves the building: the export is audited with the number of people.
    pub async fn export_people(
        &self,
        caller: &Caller,
        search: &PeopleSearch,
    ) -> Result<Vec<ExportedPerson>> {
        caller.require(Action::Read, Kind::Person)?;
        let reach = self.person_reach(caller, Action::Read).await?;
        let store = self.store();
        let query = PeopleQuery {
            limit: EXPORT_MAX_PEOPLE,
            offset: 0,
            ..people_query(search, reach.clone())
        };
        let ids = store.search_people(&query).await?;
        let mut exported = Vec::new();
        // Lists of ids become SQL placeholders: a few hundred at a time.
        for chunk in ids.chunks(500) {
            let people: Vec<Person> = store
                .people(chunk)
                .await?
                .into_iter()
                .filter(|person| is_shown(person, &reach))
                .collect();
            let ids: Vec<Id> = people.iter().map(|p| p.id).collect();
            let identifiers = store.identifiers_of(&ids).await?;
            let categories = store.categories_by_person(&ids).await?;
            for person in people {
                exported.push(ExportedPerson {
                    identifiers: identifiers
                        .iter()
                        .filter(|i| i.person_id == person.id)
                        .cloned()
                        .collect(),
                    categories: categories
                        .iter()
                        .filter(|(id, _)| *id == person.id)
                        .map(|(_, category)| *category)
                        .collect(),
                    person,
                });
            }
        }
        store
            .record_export(&caller.actor(), "person", exported.len())
            .await?;
        Ok(exported)
    }

    /// The person (as their surviving record) who holds a typed identifier (a Haven
    /// number or any other), when the caller may read them; `None` otherwise.
    pub async fn find_person_by_identifier(
        &self,
        caller: &Caller,
        typed: &str,
    ) -> Result<Option<Id>> {
        caller.require(Action::Read, Kind::Person)?;
        let key = haven_domain::person::identifier_key(typed);
        if key.is_empty() {
            return Ok(None);
        }
        let store = self.store();
        let Some(found) = store.person_by_identifier_key(&key).await? else {
            return Ok(None);
        };
        let survivor = store.resolve_merged(found).await?;
        let person = store.person(survivor).await?;
        let reach = self.person_reach(caller, Action::Read).await?;
        Ok(reach
            .holds(person.registered_facility_id)
            .then_some(survivor))
    }

    /// Records in the caller's read reach that may be the person about to be
    /// registered (same identifier, or a name that sounds the same and a close date
    /// of birth). Needs `Write Person`: it is a step of registering.
    pub async fn possible_duplicates(
        &self,
        caller: &Caller,
        probe: &DuplicateProbe,
    ) -> Result<Vec<ListedPerson>> {
        caller.require(Action::Write, Kind::Person)?;
        let reach = self.person_reach(caller, Action::Read).await?;
        let store = self.store();
        let ids = store.possible_duplicates(probe).await?;
        let people = store.people(&ids).await?;
        let numbers = store.haven_numbers(&ids).await?;
        Ok(people
            .into_iter()
            .filter(|person| reach.holds(person.registered_facility_id))
            .map(|person| ListedPerson {
                haven_number: numbers
                    .iter()
                    .find(|(id, _)| *id == person.id)
                    .map(|(_, number)| number.clone()),
                person,
            })
            .collect())
    }

    /// What only the database knows about a registration or a correction (`except`
    /// is the person corrected): whether its facility exists, and which of its
    /// identifiers someone else holds. Needs `Write Person`.
    pub async fn registration_conflicts(
        &self,
        caller: &Caller,
        new: &NewPerson,
        except: Option<Id>,
    ) -> Result<RegistrationConflicts> {
        caller.require(Action::Write, Kind::Person)?;
        let store = self.store();
        let unknown_facility = match new.details.registered_facility {
            Some(facility) => !store.facility_exists(facility).await?,
            None => false,
        };
        let mut taken_identifiers = Vec::new();
        for (index, (identifier, _)) in new.identifiers.iter().enumerate() {
            if store.identifier_taken(identifier, except).await? {
                taken_identifiers.push(index);
            }
        }
        Ok(RegistrationConflicts {
            unknown_facility,
            taken_identifiers,
        })
    }

    /// Audits an import of people from a file as a whole: how many were registered
    /// and how many rows were refused (each person is audited by their
    /// registration). Needs `Write Person`.
    pub async fn record_people_import(
        &self,
        caller: &Caller,
        imported: usize,
        refused: usize,
    ) -> Result<()> {
        caller.require(Action::Write, Kind::Person)?;
        Ok(self
            .store()
            .record_people_import(&caller.actor(), imported, refused)
            .await?)
    }
}

/// What [`App::registration_conflicts`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistrationConflicts {
    /// The registration names a facility that does not exist.
    pub unknown_facility: bool,
    /// The places, in `NewPerson::identifiers`, of identifiers someone else holds.
    pub taken_identifiers: Vec<usize>,
}

impl RegistrationConflicts {
    pub fn is_empty(&self) -> bool {
        !self.unknown_facility && self.taken_identifiers.is_empty()
    }
}

fn people_query(search: &PeopleSearch, reach: Reach) -> PeopleQuery {
    PeopleQuery {
        text: search.text.clone(),
        facility: search.facility,
        category: search.category,
        sex: search.sex,
        age_band: search.age_band,
        today: search.today,
        reach,
        limit: search.limit,
        offset: search.offset,
    }
}

/// A record a list may show: not merged into another, not entered in error, in
/// reach.
fn is_shown(person: &Person, reach: &Reach) -> bool {
    person.merged_into.is_none()
        && person.entered_in_error_at.is_none()
        && reach.holds(person.registered_facility_id)
}

// ---------------------------------------------------------------------------
// Reading one person

/// A person with everything their page shows of the registry: identifiers and
/// categories of every record merged into them, relationships both ways, merges.
#[derive(Clone, Debug)]
pub struct PersonRecord {
    /// The surviving record.
    pub person: Person,
    /// The id asked for: another than `person.id` when that record was merged.
    pub requested: Id,
    /// The person's record and every record merged into it.
    pub records: Vec<Id>,
    pub identifiers: Vec<PersonIdentifier>,
    pub categories: Vec<Category>,
    pub relationships: Vec<RelationshipView>,
    pub merges: Vec<MergeSeen>,
    /// Where the person is registered, when that facility exists.
    pub facility: Option<Facility>,
    /// The person's staff record, for callers with `Read Staff` only.
    pub staff_member: Option<Id>,
}

impl PersonRecord {
    /// The Haven number of the surviving record.
    pub fn haven_number(&self) -> Option<&str> {
        self.identifiers
            .iter()
            .find(|i| i.person_id == self.person.id && i.kind() == Some(IdentifierKind::Haven))
            .map(|i| i.value.as_str())
    }
}

/// A merge the person took part in, with the other record's name.
#[derive(Clone, Debug)]
pub struct MergeSeen {
    pub merge: PersonMerge,
    /// The other record of the merge.
    pub other_id: Id,
    pub other_name: String,
    /// This person is the record kept.
    pub this_survived: bool,
}

/// A person as their identity card shows them.
#[derive(Clone, Debug)]
pub struct PersonCard {
    pub person: Person,
    pub haven_number: String,
}

impl App {
    /// Reads a person (`Read Person`): a record merged into another answers as the
    /// record it was merged into, which must be in the caller's read reach and not
    /// entered in error, else not found. The read is audited.
    pub async fn read_person(&self, caller: &Caller, id: Id) -> Result<PersonRecord> {
        caller.require(Action::Read, Kind::Person)?;
        let survivor = self.store().resolve_merged(id).await?;
        let person = self.person_to_read(caller, survivor).await?;
        let person = self.store().read_person(&caller.actor(), person.id).await?;
        self.load_record(caller, person, id).await
    }

    /// The person's record as [`App::read_person`] gives it, without auditing a read
    /// and without following a merge (for a page shown again with a form's errors,
    /// or the answer to a change). Needs `Read Person` and read reach.
    pub async fn person_record(&self, caller: &Caller, id: Id) -> Result<PersonRecord> {
        let person = self.person_to_read(caller, id).await?;
        self.load_record(caller, person, id).await
    }

    /// The record a person readable by the caller was merged into (following the
    /// chain), or `None` when they were not merged.
    pub async fn merged_survivor(&self, caller: &Caller, id: Id) -> Result<Option<Id>> {
        let person = self.person_to_read(caller, id).await?;
        if person.merged_into.is_none() {
            return Ok(None);
        }
        Ok(Some(self.store().resolve_merged(person.id).await?))
    }

    /// A person and their current categories, for the correction form: the person
    /// must be in the caller's WRITE reach (`Write Person`).
    pub async fn person_to_edit(&self, caller: &Caller, id: Id) -> Result<(Person, Vec<Category>)> {
        let person = self.person_to_write(caller, id, Kind::Person).await?;
        let categories = self.store().categories_of(&[person.id]).await?;
        Ok((person, categories))
    }

    /// The identity card of a person the caller reads, not merged: printing it is
    /// audited.
    pub async fn print_person_card(&self, caller: &Caller, id: Id) -> Result<PersonCard> {
        let person = self.person_to_read(caller, id).await?;
        if person.merged_into.is_some() {
            return Err(AppError::NotFound { entity: PERSON });
        }
        let store = self.store();
        let haven_number = store
            .haven_numbers(&[person.id])
            .await?
            .into_iter()
            .next()
            .map(|(_, number)| number)
            .unwrap_or_default();
        store
            .audit_person(&caller.actor(), "person_card_print", person.id, "")
            .await?;
        Ok(PersonCard {
            person,
            haven_number,
        })
    }

    async fn load_record(
        &self,
        caller: &Caller,
        person: Person,
        requested: Id,
    ) -> Result<PersonRecord> {
        let store = self.store();
        let records = store.records_of(person.id).await?;
        let identifiers = store.identifiers_of(&records).await?;
        let categories = store.categories_of(&records).await?;
        let relationships = store.relationships_of(&records).await?;
        let mut merges = Vec::new();
        for merge in store.merges_of(person.id).await? {
            let this_survived = merge.survivor_id == person.id;
            let other_id = if this_survived {
                merge.merged_id
            } else {
                merge.survivor_id
            };
            merges.push(MergeSeen {
                other_name: store.person(other_id).await?.display_name(),
                other_id,
                this_survived,
                merge,
            });
        }
        let facility = match person.registered_facility_id {
            Some(id) => match store.facility(id).await {
                Ok(facility) => Some(facility),
                Err(StoreError::NotFound { .. }) => None,
                Err(other) => return Err(other.into()),
            },
            None => None,
        };
        let staff_member = if caller.can(Action::Read, Kind::Staff) {
            store
                .staff_member_of_person(person.id)
                .await?
                .map(|staff| staff.id)
        } else {
            None
        };
        Ok(PersonRecord {
            person,
            requested,
            records,
            identifiers,
            categories,
            relationships,
            merges,
            facility,
            staff_member,
        })
    }
}

// ---------------------------------------------------------------------------
// Changing one person

/// The codes of the rules a change of the registry can break; each is also the
/// message's translation key.
pub mod refusals {
    /// The other person of a relationship or a merge is not found (or not readable).
    pub const OTHER_NOT_FOUND: &str = "person-error-other-not-found";
    /// A person cannot be related to themself.
    pub const RELATIONSHIP_SELF: &str = "person-error-relationship-self";
    /// The record to keep was itself merged into another.
    pub const ALREADY_MERGED: &str = "merge-error-already-merged";
    /// A record cannot be merged into itself, nor a merged record merged again.
    pub const MERGE_SAME: &str = "merge-error-same";
}

/// Two records side by side before a merge: the one kept, then the one merged into
/// it, each with its current identifiers.
#[derive(Clone, Debug)]
pub struct MergePair {
    pub kept: (Person, Vec<PersonIdentifier>),
    pub merged: (Person, Vec<PersonIdentifier>),
}

impl App {
    /// Gives a person another identifier (`Write Person`, WRITE reach); an identifier
    /// someone holds is a duplicate.
    pub async fn add_identifier(
        &self,
        caller: &Caller,
        person: Id,
        identifier: &Identifier,
    ) -> Result<()> {
        let person = self.person_to_write(caller, person, Kind::Person).await?;
        Ok(self
            .store()
            .add_identifier(&caller.actor(), person.id, identifier, None)
            .await?)
    }

    /// Retires one of the person's identifiers, naming the version read. An
    /// identifier of another person is not found.
    pub async fn retire_identifier(
        &self,
        caller: &Caller,
        person: Id,
        identifier: Id,
        version: i64,
    ) -> Result<()> {
        let person = self.person_to_write(caller, person, Kind::Person).await?;
        let store = self.store();
        let records = store.records_of(person.id).await?;
        let held = store.identifiers_of(&records).await?;
        if !held.iter().any(|i| i.id == identifier) {
            return Err(AppError::NotFound {
                entity: "identifier",
            });
        }
        Ok(store
            .retire_identifier(&caller.actor(), identifier, version)
            .await?)
    }

    /// Sets a person's current categories (`Write Person`, WRITE reach).
    pub async fn set_person_categories(
        &self,
        caller: &Caller,
        person: Id,
        categories: &[Category],
    ) -> Result<()> {
        let person = self.person_to_write(caller, person, Kind::Person).await?;
        Ok(self
            .store()
            .set_categories(&caller.actor(), person.id, categories)
            .await?)
    }

    /// Records that the person found by the typed identifier `other` is `kind` to
    /// `person`. The other person must be readable by the caller
    /// ([`refusals::OTHER_NOT_FOUND`] at `other`) and someone else
    /// ([`refusals::RELATIONSHIP_SELF`] at `other`).
    pub async fn add_relationship(
        &self,
        caller: &Caller,
        person: Id,
        kind: RelationshipKind,
        other: &str,
    ) -> Result<Id> {
        let person = self.person_to_write(caller, person, Kind::Person).await?;
        let Some(other) = self.find_person_by_identifier(caller, other).await? else {
            return Err(AppError::field("other", refusals::OTHER_NOT_FOUND));
        };
        if other == person.id {
            return Err(AppError::field("other", refusals::RELATIONSHIP_SELF));
        }
        Ok(self
            .store()
            .add_relationship(&caller.actor(), person.id, other, kind)
            .await?)
    }

    /// Ends one of the person's relationships, naming the version read. A
    /// relationship of another person is not found.
    pub async fn end_relationship(
        &self,
        caller: &Caller,
        person: Id,
        relationship: Id,
        version: i64,
    ) -> Result<()> {
        let person = self.person_to_write(caller, person, Kind::Person).await?;
        let store = self.store();
        let records = store.records_of(person.id).await?;
        let current = store.relationships_of(&records).await?;
        if !current.iter().any(|r| r.id == relationship) {
            return Err(AppError::NotFound {
                entity: "relationship",
            });
        }
        Ok(store
            .end_relationship(&caller.actor(), relationship, version)
            .await?)
    }

    /// Records a person's death, naming the version read: the date must be after
    /// their birth and not after `today` (the domain's code at `died_on`).
    pub async fn record_death(
        &self,
        caller: &Caller,
        person: Id,
        version: i64,
        died_on: Date,
        cause: &str,
        today: Date,
    ) -> Result<Person> {
        let person = self.person_to_write(caller, person, Kind::Person).await?;
        let died_on = check_death_date(died_on, person.birth_date, today)
            .map_err(|error| AppError::field("died_on", error.code()))?;
        Ok(self
            .store()
            .record_death(&caller.actor(), person.id, version, died_on, cause)
            .await?)
    }

    /// The two records a merge would join, for the caller to compare: `person` is
    /// kept (`Write PersonMerge`, WRITE reach), `other` (an id, a Haven number or
    /// another identifier) is merged into it. Refused with a code of [`refusals`]
    /// when the kept record was merged, the other is not found, or they are the same.
    pub async fn merge_candidates(
        &self,
        caller: &Caller,
        person: Id,
        other: &str,
    ) -> Result<MergePair> {
        let (kept, merged) = self.merge_pair(caller, person, other).await?;
        let store = self.store();
        let kept_identifiers = store
            .identifiers_of(&store.records_of(kept.id).await?)
            .await?;
        let merged_identifiers = store
            .identifiers_of(&store.records_of(merged.id).await?)
            .await?;
        Ok(MergePair {
            kept: (kept, kept_identifiers),
            merged: (merged, merged_identifiers),
        })
    }

    /// Merges the record `other` names into `person`, after the checks of
    /// [`App::merge_candidates`]; audited on both records.
    pub async fn merge_people(
        &self,
        caller: &Caller,
        person: Id,
        other: &str,
        reason: &str,
    ) -> Result<PersonMerge> {
        let (kept, merged) = self.merge_pair(caller, person, other).await?;
        Ok(self
            .store()
            .merge_people(&caller.actor(), kept.id, merged.id, reason)
            .await?)
    }

    /// Undoes a merge the person took part in (`Write PersonMerge`, WRITE reach),
    /// naming the version read; a merge of other records is not found.
    pub async fn undo_merge(
        &self,
        caller: &Caller,
        person: Id,
        merge: Id,
        version: i64,
    ) -> Result<PersonMerge> {
        let person = self
            .person_to_write(caller, person, Kind::PersonMerge)
            .await?;
        let store = self.store();
        let found = store.merge(merge).await?;
        if found.survivor_id != person.id && found.merged_id != person.id {
            return Err(AppError::NotFound { entity: "merge" });
        }
        Ok(store.undo_merge(&caller.actor(), merge, version).await?)
    }

    /// Opens the merge form for a record the caller may merge into.
    pub async fn person_to_merge_into(&self, caller: &Caller, person: Id) -> Result<Person> {
        self.person_to_write(caller, person, Kind::PersonMerge)
            .await
    }

    async fn merge_pair(
        &self,
        caller: &Caller,
        person: Id,
        other: &str,
    ) -> Result<(Person, Person)> {
        let kept = self
            .person_to_write(caller, person, Kind::PersonMerge)
            .await?;
        if kept.merged_into.is_some() {
            return Err(AppError::Refused(refusals::ALREADY_MERGED));
        }
        let other = match other.trim().parse::<Id>() {
            Ok(id) => Some(id),
            Err(_) => self.find_person_by_identifier(caller, other).await?,
        };
        let other = match other {
            Some(id) => match self.person_to_read(caller, id).await {
                Ok(other) => Some(other),
                Err(AppError::NotFound { .. }) => None,
                Err(error) => return Err(error),
            },
            None => None,
        };
        let Some(other) = other else {
            return Err(AppError::Refused(refusals::OTHER_NOT_FOUND));
        };
        if other.id == kept.id || other.merged_into.is_some() {
            return Err(AppError::Refused(refusals::MERGE_SAME));
        }
        Ok((kept, other))
    }
}
