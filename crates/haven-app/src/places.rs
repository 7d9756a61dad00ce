//! Places: programme locations, their facilities, wards and beds. Reading needs
//! Read Place, every change Write Place; places are not scoped (everyone who may
//! read places reads them all, as the map of the organisation).
//!
//! The facility page's list of who works there is staff information: it is read
//! with Read Staff and only as far as the reader's staff reach goes.

use std::collections::HashMap;

use haven_domain::places::{FacilityDetails, PlaceName, ProgrammeDetails};
use haven_domain::{Action, Kind};
use haven_store::{Bed, Facility, Id, PlaceKind, Programme, StaffMember, StoreError, Ward};

use crate::{App, AppError, Caller, Result};

/// Every programme location with its facilities, and how many people each
/// facility serves (people registered there, neither merged nor entered in error).
#[derive(Clone, Debug)]
pub struct PlacesOverview {
    /// In the store's order, each with its facilities in the store's order.
    pub programmes: Vec<(Programme, Vec<Facility>)>,
    pub served: HashMap<Id, i64>,
    /// The caller may change places.
    pub can_write: bool,
}

impl PlacesOverview {
    /// People served at one facility (0 when none).
    pub fn served_at(&self, facility: Id) -> i64 {
        self.served.get(&facility).copied().unwrap_or(0)
    }
}

/// One programme with its facilities and the people each serves.
#[derive(Clone, Debug)]
pub struct ProgrammeView {
    pub programme: Programme,
    pub facilities: Vec<Facility>,
    pub served: HashMap<Id, i64>,
    /// The caller may change places.
    pub can_write: bool,
    /// The caller reads care records (the programme's care page).
    pub can_read_care: bool,
}

/// A facility and the people it serves.
#[derive(Clone, Debug)]
pub struct FacilityServed {
    pub facility: Facility,
    pub served: i64,
}

/// What a facility's page shows.
#[derive(Clone, Debug)]
pub struct FacilityView {
    pub facility: Facility,
    pub programme: Programme,
    pub wards: Vec<Ward>,
    pub beds: Vec<Bed>,
    pub served: i64,
    /// Who works here now, within the reader's staff reach; `None` when the reader
    /// may not read staff.
    pub staff: Option<Vec<StaffMember>>,
    /// The caller may change places.
    pub can_write: bool,
    /// The caller reads care records (the facility's care page).
    pub can_read_care: bool,
    /// The caller reads the treatments provided here (clinical records or reports).
    pub can_read_clinic_counts: bool,
}

impl App {
    /// Refuses a caller who may not change places, before their form is read.
    pub fn may_change_places(&self, caller: &Caller) -> Result<()> {
        caller.require(Action::Write, Kind::Place)
    }

    /// Every programme with its facilities and the people each serves: three
    /// queries, whatever the number of programmes.
    pub async fn places_overview(&self, caller: &Caller) -> Result<PlacesOverview> {
        caller.require(Action::Read, Kind::Place)?;
        self.overview(caller).await
    }

    /// The overview for the programme locations CSV, whose download is audited with
    /// its number of rows (one per facility, or one per programme without one).
    pub async fn export_places(&self, caller: &Caller) -> Result<PlacesOverview> {
        caller.require(Action::Read, Kind::Place)?;
        let overview = self.overview(caller).await?;
        let rows: usize = overview
            .programmes
            .iter()
            .map(|(_, facilities)| facilities.len().max(1))
            .sum();
        self.store()
            .record_export(&caller.actor(), "programme", rows)
            .await?;
        Ok(overview)
    }

    /// One programme with its facilities.
    pub async fn programme_view(&self, caller: &Caller, id: Id) -> Result<ProgrammeView> {
        caller.require(Action::Read, Kind::Place)?;
        let store = self.store();
        let programme = store.programme(id).await?;
        let facilities = store.facilities_of(id).await?;
        let served = store.people_served().await?;
        Ok(ProgrammeView {
            programme,
            facilities,
            served,
            can_write: caller.can(Action::Write, Kind::Place),
            can_read_care: caller.can(Action::Read, Kind::Care),
        })
    }

    /// Records a programme location.
    pub async fn create_programme(
        &self,
        caller: &Caller,
        details: &ProgrammeDetails,
    ) -> Result<ProgrammeView> {
        self.may_change_places(caller)?;
        let programme = self
            .store()
            .create_programme(&caller.actor(), details)
            .await?;
        Ok(ProgrammeView {
            programme,
            facilities: Vec::new(),
            served: HashMap::new(),
            can_write: true,
            can_read_care: caller.can(Action::Read, Kind::Care),
        })
    }

    /// Changes a programme location, naming the version read.
    pub async fn update_programme(
        &self,
        caller: &Caller,
        id: Id,
        version: i64,
        details: &ProgrammeDetails,
    ) -> Result<ProgrammeView> {
        self.may_change_places(caller)?;
        self.store()
            .update_programme(&caller.actor(), id, version, details)
            .await?;
        self.programme_view(caller, id).await
    }

    /// Adds a facility to a programme.
    pub async fn create_facility(
        &self,
        caller: &Caller,
        programme: Id,
        details: &FacilityDetails,
    ) -> Result<Facility> {
        self.may_change_places(caller)?;
        Ok(self
            .store()
            .create_facility(&caller.actor(), programme, details)
            .await?)
    }

    /// One facility and the people it serves.
    pub async fn facility_served(&self, caller: &Caller, id: Id) -> Result<FacilityServed> {
        caller.require(Action::Read, Kind::Place)?;
        let store = self.store();
        let facility = store.facility(id).await?;
        let served = store.people_served_at(id).await?;
        Ok(FacilityServed { facility, served })
    }

    /// Changes a facility, naming the version read.
    pub async fn update_facility(
        &self,
        caller: &Caller,
        id: Id,
        version: i64,
        details: &FacilityDetails,
    ) -> Result<FacilityServed> {
        self.may_change_places(caller)?;
        let store = self.store();
        let facility = store
            .update_facility(&caller.actor(), id, version, details)
            .await?;
        let served = store.people_served_at(id).await?;
        Ok(FacilityServed { facility, served })
    }

    /// A facility's page: the facility, its programme, wards and beds, the people it
    /// serves, and (for readers of staff) who works there within their staff reach.
    pub async fn facility_view(&self, caller: &Caller, id: Id) -> Result<FacilityView> {
        caller.require(Action::Read, Kind::Place)?;
        let store = self.store();
        let facility = store.facility(id).await?;
        let programme = store.programme(facility.programme_id).await?;
        let beds = store.beds_of_facility(id).await?;
        let wards = store.wards_of(id).await?;
        let staff = if caller.can(Action::Read, Kind::Staff) {
            let visible = self.staff_reach(caller, Action::Read).await?;
            Some(
                store
                    .staff_of_facility(id)
                    .await?
                    .into_iter()
                    .filter(|s| visible.as_ref().is_none_or(|v| v.contains(&s.id)))
                    .collect(),
            )
        } else {
            None
        };
        Ok(FacilityView {
            served: store.people_served_at(id).await?,
            facility,
            programme,
            wards,
            beds,
            staff,
            can_write: caller.can(Action::Write, Kind::Place),
            can_read_care: caller.can(Action::Read, Kind::Care),
            can_read_clinic_counts: caller.can(Action::Read, Kind::Clinical)
                || caller.can(Action::Read, Kind::Report),
        })
    }

    /// Adds a ward to a facility.
    pub async fn create_ward(
        &self,
        caller: &Caller,
        facility: Id,
        name: &PlaceName,
    ) -> Result<Ward> {
        self.may_change_places(caller)?;
        Ok(self
            .store()
            .create_ward(&caller.actor(), facility, name)
            .await?)
    }

    /// Adds a bed to an open ward of the facility. A ward that is not one (absent,
    /// of another facility, or closed) is refused at the field `ward`; then a label
    /// that is not one at the field `label`.
    pub async fn create_bed(
        &self,
        caller: &Caller,
        facility: Id,
        ward: Option<Id>,
        label: &str,
    ) -> Result<Bed> {
        self.may_change_places(caller)?;
        let store = self.store();
        let ward = match ward {
            Some(ward_id) => match store.ward(ward_id).await {
                Ok(ward) if ward.facility_id == facility && ward.closed_at.is_none() => Some(ward),
                Ok(_) | Err(StoreError::NotFound { .. }) => None,
                Err(other) => return Err(other.into()),
            },
            None => None,
        };
        let Some(ward) = ward else {
            return Err(AppError::field("ward", "facility-choose-ward"));
        };
        let label =
            PlaceName::parse(label).map_err(|error| AppError::field("label", error.code()))?;
        Ok(store.create_bed(&caller.actor(), ward.id, &label).await?)
    }

    /// Closes a bed of the facility, naming the version read; a bed of another
    /// facility is not found.
    pub async fn close_bed(
        &self,
        caller: &Caller,
        facility: Id,
        bed: Id,
        version: i64,
    ) -> Result<()> {
        self.may_change_places(caller)?;
        let store = self.store();
        let ward = store.ward(store.bed(bed).await?.ward_id).await?;
        if ward.facility_id != facility {
            return Err(AppError::NotFound { entity: "bed" });
        }
        Ok(store
            .close_place(&caller.actor(), PlaceKind::Bed, bed, version)
            .await?)
    }

    async fn overview(&self, caller: &Caller) -> Result<PlacesOverview> {
        let store = self.store();
        let served = store.people_served().await?;
        let mut by_programme: HashMap<Id, Vec<Facility>> = HashMap::new();
        for facility in store.facilities().await? {
            by_programme
                .entry(facility.programme_id)
                .or_default()
                .push(facility);
        }
        let programmes = store
            .programmes()
            .await?
            .into_iter()
            .map(|programme| {
                let facilities = by_programme.remove(&programme.id).unwrap_or_default();
                (programme, facilities)
            })
            .collect();
        Ok(PlacesOverview {
            programmes,
            served,
            can_write: caller.can(Action::Write, Kind::Place),
        })
    }
}
