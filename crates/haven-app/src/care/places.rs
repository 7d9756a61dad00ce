//! The places of care as the caller reads them (the overview, a programme's figures
//! and lists, a village, a house with its caregivers) and the changes to houses.
//!
//! A village and its houses are read whole within the caller's care reach; an SOS
//! parent or family assistant reads her own houses only. A house is changed only by a
//! caller who sees its village whole and whose roles that write care reach it.

use std::collections::BTreeMap;

use haven_domain::care::{CareError, HouseDetails};
use haven_domain::staff::Profession;
use haven_domain::{Action, Kind};
use haven_store::care::{
    Admission, CareChild, CareFigures, ChildRow, FollowUp, House, OverduePlan, Placement,
};
use haven_store::{
    Facility, Id, Person, Programme, Reach, StaffFilter, StaffMember, StoreError, Training,
};

use super::{care_write, invalid, CareAccess, Parsed};
use crate::{App, AppError, Caller, Result};

const VILLAGE: &str = "village";
const HOUSE: &str = "house";
const PROGRAMME: &str = "programme";
/// How many children waiting for gatekeeping a village's page lists.
const WAITING_LISTED: i64 = 60;

/// A programme with its care figures.
#[derive(Clone, Debug)]
pub struct ProgrammeFigures {
    pub programme: Programme,
    pub figures: CareFigures,
}

/// What the care overview shows the caller.
#[derive(Clone, Debug)]
pub struct CareOverview {
    /// The programmes whose care facilities the caller sees whole, with their figures.
    pub programmes: Vec<ProgrammeFigures>,
    /// The care facilities the caller sees whole.
    pub facilities: Vec<Facility>,
    /// An SOS parent's or family assistant's own houses, with the children living there.
    pub my_houses: Vec<(House, Vec<CareChild>)>,
    /// The caller sees some care at all (a house, or a facility whole).
    pub sees_any: bool,
}

/// A programme's care: figures by sex and the lists that need attention.
#[derive(Clone, Debug)]
pub struct ProgrammeCare {
    pub programme: Programme,
    /// The programme's care facilities the caller sees whole.
    pub facilities: Vec<Facility>,
    pub rows: Vec<ChildRow>,
    pub figures: CareFigures,
    /// The children whose care those facilities hold, by name.
    pub children: Vec<CareChild>,
    /// Sibling groups living in more than one house: each child with the reason for
    /// living apart recorded on their current placement.
    pub split: Vec<Vec<(CareChild, String)>>,
    pub overdue: Vec<OverduePlan>,
    /// Admissions waiting for the director's approval, with their child.
    pub pending: Vec<(Admission, CareChild)>,
    /// The children who left care, each with their newest follow-up.
    pub aftercare: Vec<(CareChild, Option<FollowUp>)>,
}

/// A village (or youth facility) as its page shows it.
#[derive(Clone, Debug)]
pub struct VillageView {
    pub village: Facility,
    pub houses: Vec<House>,
    pub children: Vec<CareChild>,
    /// Children registered at the village, under 18, with no care record yet.
    pub waiting: Vec<Person>,
    /// The sibling relationships among those children.
    pub waiting_siblings: Vec<(Id, Id)>,
    /// The caller may add houses here.
    pub writable: bool,
    /// The village's SOS parents and family assistants (for the house form; empty
    /// unless `writable`).
    pub parents: Vec<StaffMember>,
    pub assistants: Vec<StaffMember>,
}

/// A house the caller may read, with the caller's care access.
#[derive(Clone, Debug)]
pub struct HouseToRead {
    pub house: House,
    pub access: CareAccess,
}

/// A caregiver of a house with their trainings.
#[derive(Clone, Debug)]
pub struct Caregiver {
    /// The SOS parent (or else the family assistant).
    pub sos_parent: bool,
    pub member: StaffMember,
    pub trainings: Vec<Training>,
}

/// A house as its page shows it.
#[derive(Clone, Debug)]
pub struct HouseView {
    pub house: House,
    /// The caller sees the house's village whole.
    pub sees_village: bool,
    pub caregivers: Vec<Caregiver>,
    pub children: Vec<CareChild>,
    /// The house's placements the caller may see, newest first, with their child.
    pub history: Vec<(Placement, CareChild)>,
    /// The caller may change the house.
    pub writable: bool,
    /// The village's SOS parents and family assistants (empty unless `writable`).
    pub parents: Vec<StaffMember>,
    pub assistants: Vec<StaffMember>,
}

/// A house's details and caregivers, as the form or the body gave them.
#[derive(Clone, Debug)]
pub struct HouseCommand {
    pub details: HouseDetails,
    pub sos_parent: Option<Id>,
    pub family_assistant: Option<Id>,
}

/// A staff member named as a caregiver who does not exist: the adapters show it at
/// the caregiver's field (`entity` "staff member").
pub const STAFF_MEMBER: &str = "staff member";

fn is_village(facility: &Facility) -> bool {
    matches!(
        facility.kind.as_str(),
        "childrens_village" | "youth_facility"
    )
}

fn sees_any(access: &CareAccess) -> bool {
    !access.houses.is_empty()
        || match &access.reach {
            Reach::Everything => true,
            Reach::Facilities { ids, .. } => !ids.is_empty(),
        }
}

/// The version the caller read, or the refusal at `version` when the input named none.
pub(crate) fn version_named(version: Option<i64>) -> Result<i64> {
    version.ok_or_else(|| super::refused("version", CareError::Required))
}

/// A parsed command with the version it names: the command's problems and a missing
/// version together.
fn with_version<T>(input: Parsed<T>, version: Option<i64>) -> Result<(T, i64)> {
    match (input, version) {
        (Ok(value), Some(version)) => Ok((value, version)),
        (input, version) => {
            let mut problems = input.err().unwrap_or_default();
            if version.is_none() {
                problems.push(("version", CareError::Required));
            }
            Err(invalid(problems))
        }
    }
}

impl App {
    /// The care figures of every programme the caller's report roles reach, for the
    /// home page: aggregates without names, for readers of reports who also work with
    /// care or staff. Empty for everyone else (never an error of permission).
    pub async fn care_programme_figures(
        &self,
        caller: &Caller,
        today: time::Date,
    ) -> Result<Vec<ProgrammeFigures>> {
        if !(caller.can(Action::Read, Kind::Report)
            && (caller.can(Action::Read, Kind::Care) || caller.can(Action::Read, Kind::Staff)))
        {
            return Ok(Vec::new());
        }
        let reach = crate::access::reach(self.store(), caller, Action::Read, Kind::Report).await?;
        let facilities = self.store().care_facilities().await?;
        self.figures_by_programme(facilities.iter().filter(|f| reach.holds(Some(f.id))), today)
            .await
    }

    async fn figures_by_programme<'a>(
        &self,
        facilities: impl Iterator<Item = &'a Facility>,
        today: time::Date,
    ) -> Result<Vec<ProgrammeFigures>> {
        let mut by_programme: BTreeMap<Id, Vec<Id>> = BTreeMap::new();
        for f in facilities {
            by_programme.entry(f.programme_id).or_default().push(f.id);
        }
        let programmes = self.store().programmes().await?;
        let mut out = Vec::new();
        for (programme, ids) in by_programme {
            let Some(programme) = programmes.iter().find(|p| p.id == programme) else {
                continue;
            };
            out.push(ProgrammeFigures {
                programme: programme.clone(),
                figures: self.store().care_figures(&ids, today).await?,
            });
        }
        Ok(out)
    }

    /// The care overview (`Read Care`): the programmes and facilities the caller sees
    /// whole, and an SOS parent's own houses with their children.
    pub async fn care_overview(&self, caller: &Caller, today: time::Date) -> Result<CareOverview> {
        caller.require(Action::Read, Kind::Care)?;
        let access = self.care_access(caller).await?;
        let all = self.store().care_facilities().await?;
        let facilities: Vec<Facility> = access.facilities_of(&all).into_iter().cloned().collect();
        let programmes = self.figures_by_programme(facilities.iter(), today).await?;
        let mut my_houses = Vec::new();
        for house_id in &access.houses {
            let house = self.store().house(*house_id).await?;
            if !access.sees_house(&house) {
                continue;
            }
            let children = self.store().children_of_house(house.id).await?;
            my_houses.push((house, children));
        }
        Ok(CareOverview {
            programmes,
            facilities,
            my_houses,
            sees_any: sees_any(&access),
        })
    }

    /// A programme's care (`Read Care`): its facilities the caller sees whole, their
    /// figures, split sibling groups, overdue reviews, pending admissions and
    /// after-care. Not found when the caller sees none of its facilities.
    pub async fn care_programme(
        &self,
        caller: &Caller,
        id: Id,
        today: time::Date,
    ) -> Result<ProgrammeCare> {
        caller.require(Action::Read, Kind::Care)?;
        let store = self.store();
        let access = self.care_access(caller).await?;
        let facilities: Vec<Facility> = store
            .care_facilities()
            .await?
            .into_iter()
            .filter(|f| f.programme_id == id && access.sees_facility(f.id))
            .collect();
        if facilities.is_empty() {
            return Err(AppError::NotFound { entity: PROGRAMME });
        }
        let programme = store.programme(id).await?;
        let ids: Vec<Id> = facilities.iter().map(|f| f.id).collect();
        let rows = store.care_child_rows(&ids, today).await?;
        let figures = CareFigures::from_rows(&rows, today);
        let children = store.care_children_of(&ids).await?;
        let groups = store.split_sibling_groups(&children).await?;
        let apart: Vec<Id> = groups.iter().flatten().map(|c| c.id).collect();
        let current = store.current_placements_of(&apart).await?;
        let split = groups
            .into_iter()
            .map(|group| {
                group
                    .into_iter()
                    .map(|child| {
                        let reason = current
                            .iter()
                            .find(|p| p.child_id == child.id)
                            .map(|p| p.apart_reason.clone())
                            .unwrap_or_default();
                        (child, reason)
                    })
                    .collect()
            })
            .collect();
        let overdue = store.overdue_plans(&ids, today).await?;
        let pending = store
            .pending_admissions(&ids)
            .await?
            .into_iter()
            .filter_map(|a| {
                let child = children.iter().find(|c| c.id == a.child_id)?.clone();
                Some((a, child))
            })
            .collect();
        let leavers: Vec<&CareChild> = children.iter().filter(|c| c.left_on.is_some()).collect();
        let followups = store
            .followups_of_children(&leavers.iter().map(|c| c.id).collect::<Vec<_>>())
            .await?;
        let aftercare = leavers
            .into_iter()
            .map(|c| {
                let newest = followups.iter().find(|f| f.child_id == c.id).cloned();
                (c.clone(), newest)
            })
            .collect();
        Ok(ProgrammeCare {
            programme,
            facilities,
            rows,
            figures,
            children,
            split,
            overdue,
            pending,
            aftercare,
        })
    }

    /// The children in care the caller sees (`Read Care`), of one facility or all.
    pub async fn care_children(
        &self,
        caller: &Caller,
        facility: Option<Id>,
    ) -> Result<Vec<CareChild>> {
        caller.require(Action::Read, Kind::Care)?;
        let access = self.care_access(caller).await?;
        let ids: Vec<Id> = self
            .store()
            .care_facilities()
            .await?
            .into_iter()
            .map(|f| f.id)
            .filter(|id| facility.is_none_or(|f| f == *id))
            .collect();
        Ok(self
            .store()
            .care_children_of(&ids)
            .await?
            .into_iter()
            .filter(|c| access.sees_child(c))
            .collect())
    }

    /// A village or youth facility the caller sees whole (`Read Care`), or not found.
    pub async fn village_to_read(&self, caller: &Caller, id: Id) -> Result<Facility> {
        caller.require(Action::Read, Kind::Care)?;
        self.visible_village(caller, id).await
    }

    async fn visible_village(&self, caller: &Caller, id: Id) -> Result<Facility> {
        let not_found = AppError::NotFound { entity: VILLAGE };
        let facility = match self.store().facility(id).await {
            Ok(facility) => facility,
            Err(StoreError::NotFound { .. }) => return Err(not_found),
            Err(other) => return Err(other.into()),
        };
        if !is_village(&facility) || !self.care_access(caller).await?.sees_facility(id) {
            return Err(not_found);
        }
        Ok(facility)
    }

    /// True when the caller holds `Write kind` and the roles holding it reach the
    /// facility: what a page offers its forms by.
    pub(crate) async fn may_write_care_with(
        &self,
        caller: &Caller,
        facility: Id,
        kind: Kind,
    ) -> Result<bool> {
        Ok(caller.can(Action::Write, kind)
            && self
                .care_access_of(caller, &[(Action::Write, kind)])
                .await?
                .sees_facility(facility))
    }

    async fn caregivers_at(&self, facility: Id) -> Result<(Vec<StaffMember>, Vec<StaffMember>)> {
        let staff = |profession| StaffFilter {
            profession: Some(profession),
            facility: Some(facility),
        };
        Ok((
            self.store()
                .list_staff(&staff(Profession::SosParent))
                .await?,
            self.store()
                .list_staff(&staff(Profession::FamilyAssistant))
                .await?,
        ))
    }

    /// A village's page (`Read Care`, the village seen whole): houses, children,
    /// children waiting for gatekeeping and their siblings, and (for a caller who may
    /// add houses) the caregivers to choose from.
    pub async fn village_view(
        &self,
        caller: &Caller,
        id: Id,
        today: time::Date,
    ) -> Result<VillageView> {
        let village = self.village_to_read(caller, id).await?;
        let store = self.store();
        let houses = store.houses_of(village.id).await?;
        let children = store.care_children_of(&[village.id]).await?;
        let waiting = store
            .awaiting_admission(village.id, today, WAITING_LISTED)
            .await?;
        let waiting_siblings = store
            .sibling_pairs(&waiting.iter().map(|p| p.id).collect::<Vec<_>>())
            .await?;
        let writable = self
            .may_write_care_with(caller, village.id, Kind::Care)
            .await?;
        let (parents, assistants) = if writable {
            self.caregivers_at(village.id).await?
        } else {
            (Vec::new(), Vec::new())
        };
        Ok(VillageView {
            village,
            houses,
            children,
            waiting,
            waiting_siblings,
            writable,
            parents,
            assistants,
        })
    }

    /// The houses of a village the caller sees whole (`Read Care`).
    pub async fn village_houses(&self, caller: &Caller, id: Id) -> Result<Vec<House>> {
        let village = self.village_to_read(caller, id).await?;
        Ok(self.store().houses_of(village.id).await?)
    }

    /// Adds a house to a village (`Write Care`): the village seen whole, in the WRITE
    /// reach of care. A caregiver who is no staff member is not found
    /// ([`STAFF_MEMBER`]).
    pub async fn create_house(
        &self,
        caller: &Caller,
        village: Id,
        command: Parsed<HouseCommand>,
    ) -> Result<House> {
        caller.require(Action::Write, Kind::Care)?;
        let village = self.visible_village(caller, village).await?;
        self.may_write_care_at(caller, village.id).await?;
        let command = super::parsed(command)?;
        Ok(self
            .store()
            .create_house(
                &caller.actor(),
                village.id,
                &command.details,
                command.sos_parent,
                command.family_assistant,
            )
            .await?)
    }

    /// A house the caller may read (`Read Care`: its village seen whole, or one of an
    /// SOS parent's own houses), or not found.
    pub async fn house_to_read(&self, caller: &Caller, id: Id) -> Result<HouseToRead> {
        caller.require(Action::Read, Kind::Care)?;
        let house = match self.store().house(id).await {
            Ok(house) => house,
            Err(StoreError::NotFound { .. }) => return Err(AppError::NotFound { entity: HOUSE }),
            Err(other) => return Err(other.into()),
        };
        let access = self.care_access(caller).await?;
        if !access.sees_house(&house) {
            return Err(AppError::NotFound { entity: HOUSE });
        }
        Ok(HouseToRead { house, access })
    }

    /// A house the caller may change (`Write Care`): its village seen whole (else not
    /// found), in the WRITE reach of care (else beyond the caller's scope).
    pub async fn house_to_write(&self, caller: &Caller, id: Id) -> Result<House> {
        caller.require(Action::Write, Kind::Care)?;
        let seen = self.house_to_read(caller, id).await?;
        if !seen.access.sees_facility(seen.house.facility_id) {
            return Err(AppError::NotFound { entity: HOUSE });
        }
        self.may_write_care_at(caller, seen.house.facility_id)
            .await?;
        Ok(seen.house)
    }

    /// A house's page (`Read Care`): its caregivers and their trainings, the children
    /// living there, the placements the caller may see, and (for a caller who may
    /// change the house) the caregivers to choose from.
    pub async fn house_view(&self, caller: &Caller, id: Id) -> Result<HouseView> {
        let HouseToRead { house, access } = self.house_to_read(caller, id).await?;
        let store = self.store();
        let mut caregivers = Vec::new();
        for (sos_parent, staff) in [
            (true, house.sos_parent_id),
            (false, house.family_assistant_id),
        ] {
            let Some(staff) = staff else { continue };
            caregivers.push(Caregiver {
                sos_parent,
                member: store.staff_member(staff).await?,
                trainings: store.trainings_of(staff).await?,
            });
        }
        let children = store.children_of_house(house.id).await?;
        let placements = store.placements_in_house(house.id).await?;
        let mut child_ids: Vec<Id> = placements.iter().map(|p| p.child_id).collect();
        child_ids.sort();
        child_ids.dedup();
        let placed = store.care_children_by_ids(&child_ids).await?;
        let sees_village = access.sees_facility(house.facility_id);
        let history = placements
            .into_iter()
            .filter_map(|p| {
                let child = placed.iter().find(|c| c.id == p.child_id)?;
                (sees_village || access.sees_child(child)).then(|| (p, child.clone()))
            })
            .collect();
        let writable = sees_village
            && self
                .may_write_care_with(caller, house.facility_id, Kind::Care)
                .await?;
        let (parents, assistants) = if writable {
            self.caregivers_at(house.facility_id).await?
        } else {
            (Vec::new(), Vec::new())
        };
        Ok(HouseView {
            house,
            sees_village,
            caregivers,
            children,
            history,
            writable,
            parents,
            assistants,
        })
    }

    /// Changes a house's details and caregivers (`Write Care`, see
    /// [`App::house_to_write`]), naming the version read (`None`: the input named
    /// none, refused at `version`).
    pub async fn update_house(
        &self,
        caller: &Caller,
        id: Id,
        version: Option<i64>,
        command: Parsed<HouseCommand>,
    ) -> Result<House> {
        let house = self.house_to_write(caller, id).await?;
        let (command, version) = with_version(command, version)?;
        Ok(self
            .store()
            .update_house(
                &caller.actor(),
                house.id,
                version,
                &command.details,
                command.sos_parent,
                command.family_assistant,
            )
            .await?)
    }

    /// Closes a house, or opens it again (`Write Care`, see [`App::house_to_write`]).
    /// A house where children live is not closed (refused at `house`).
    pub async fn close_house(
        &self,
        caller: &Caller,
        id: Id,
        version: Option<i64>,
        closed: bool,
    ) -> Result<House> {
        let house = self.house_to_write(caller, id).await?;
        let version = version_named(version)?;
        self.store()
            .set_house_closed(&caller.actor(), house.id, version, closed)
            .await
            .map_err(care_write)
    }
}
