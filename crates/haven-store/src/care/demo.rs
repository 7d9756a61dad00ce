//! Demo records of the villages and family strengthening, on top of the demo
//! registry: houses with SOS parents from the village staff (the `sosmother` and
//! `aunt` accounts' staff in the first house), the registry's SOS families placed in
//! them through gatekeeping, one sibling group split (with its reason), plans (some
//! overdue), school enrolments and terms, youths in after-care, partner
//! organisations and family strengthening households with their services.
//!
//! Written through the same store functions as the pages, so every record has its
//! change-log row and audit event. Dates are set in the past by parsing each value on
//! the day it was recorded.

use std::collections::BTreeMap;

use haven_domain::care::{
    AdmissionDetails, AdmissionInput, AdmissionStatus, CareCaseState, EnrolmentDetails,
    EnrolmentInput, FollowUpDetails, GoalDetails, GoalInput, HouseDetails, HouseInput,
    HouseholdDetails, HouseholdEnd, LeavingDetails, NoteDetails, PartnerDetails, PlacementDetails,
    PlacementEnd, PlacementInput, PlanDetails, PlanInput, ProgressDetails, ServiceDetails,
    StepDetails, TermDetails, TermInput,
};
use haven_domain::staff::Profession;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::{Date, Duration};

use super::{PlacementChecks, PlanSubject};
use crate::db::on_pool;
use crate::ledger::Actor;
use crate::{Id, Result, StaffFilter, Store, StoreError};

/// Houses made per village (besides its youth house).
const HOUSES_PER_VILLAGE: usize = 6;
/// Households made per family strengthening office.
const HOUSEHOLDS_PER_OFFICE: usize = 8;

fn demo_error(what: &'static str) -> StoreError {
    StoreError::Unsupported(what)
}

impl Store {
    /// Adds this part's demo records to a database that holds the demo registry.
    /// Does nothing when there are no villages, or when houses exist already.
    pub async fn load_demo_care(&self) -> Result<()> {
        let houses: i64 = on_pool!(&self.pool, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM care_house").fetch_one(pool).await?
        });
        if houses > 0 {
            return Ok(());
        }
        let today = time::OffsetDateTime::now_utc().date();
        let mut rng = StdRng::seed_from_u64(6);
        let actor_of = |name: &str, users: &[crate::User]| {
            users
                .iter()
                .find(|u| u.username == name)
                .map(|u| Actor {
                    id: u.id,
                    username: u.username.clone(),
                    address: "demo".to_owned(),
                })
                .unwrap_or_else(Actor::system)
        };
        let users = self.list_users().await?;
        let social = actor_of("socialworker", &users);
        let director = actor_of("director", &users);
        let mother = actor_of("sosmother", &users);
        let partners = self.demo_partners(&social).await?;
        let villages: Vec<crate::Facility> = self
            .facilities()
            .await?
            .into_iter()
            .filter(|f| f.kind == "childrens_village")
            .collect();
        for (index, village) in villages.iter().enumerate() {
            self.demo_village(
                village,
                index == 0,
                &social,
                &director,
                &mother,
                today,
                &mut rng,
            )
            .await?;
        }
        let offices: Vec<crate::Facility> = self
            .facilities()
            .await?
            .into_iter()
            .filter(|f| f.kind == "family_strengthening_office")
            .collect();
        for office in &offices {
            self.demo_households(office, &partners, &social, today, &mut rng)
                .await?;
        }
        Ok(())
    }

    async fn demo_partners(&self, actor: &Actor) -> Result<Vec<Id>> {
        let mut ids = Vec::new();
        for (name, services, contact) in [
            (
                "Provincial Department of Health",
                "health centres, immunisation, referrals",
                "Provincial hospital",
            ),
            (
                "Department of Social Affairs, Veterans and Youth Rehabilitation",
                "social work, ID Poor, alternative care",
                "Provincial office",
            ),
            (
                "Cambodian Red Cross",
                "first aid, emergency food",
                "Branch office",
            ),
            (
                "World Food Programme",
                "school meals, food support",
                "Phnom Penh office",
            ),
            (
                "ACLEDA Bank microfinance",
                "savings groups, small loans",
                "Local branch",
            ),
        ] {
            let details = PartnerDetails::parse(name, services, contact)
                .map_err(|_| demo_error("bad demo partner"))?;
            ids.push(self.create_partner(actor, &details).await?.id);
        }
        Ok(ids)
    }

    #[allow(clippy::too_many_arguments)]
    async fn demo_village(
        &self,
        village: &crate::Facility,
        first: bool,
        social: &Actor,
        director: &Actor,
        mother: &Actor,
        today: Date,
        rng: &mut StdRng,
    ) -> Result<()> {
        let staff_of = |profession: Profession| StaffFilter {
            profession: Some(profession),
            facility: Some(village.id),
        };
        let mut parents = self.list_staff(&staff_of(Profession::SosParent)).await?;
        // The demo accounts' staff come first, so `sosmother` and `aunt` share house 1.
        parents.sort_by_key(|s| s.user_id.is_none());
        let mut assistants = self
            .list_staff(&staff_of(Profession::FamilyAssistant))
            .await?;
        assistants.sort_by_key(|s| s.user_id.is_none());
        let groups = self.demo_sos_families(village.id).await?;
        let house_names = [
            ("Lotus", "ផ្ទះឈូក"),
            ("Jasmine", "ផ្ទះម្លិះ"),
            ("Mango", "ផ្ទះស្វាយ"),
            ("Frangipani", "ផ្ទះចំប៉ា"),
            ("Banyan", "ផ្ទះជ្រៃ"),
            ("Rumdul", "ផ្ទះរំដួល"),
        ];
        let mut houses = Vec::new();
        for (i, (name, _)) in house_names
            .iter()
            .enumerate()
            .take(HOUSES_PER_VILLAGE.min(parents.len().max(1)))
        {
            let details = HouseDetails::parse(&HouseInput {
                name: &format!("{name} House"),
                kind: "sos_family",
                capacity: "8",
            })
            .map_err(|_| demo_error("bad demo house"))?;
            let parent = parents.get(i).map(|s| s.id);
            // Family assistants help in two houses each.
            let assistant = assistants.get(i / 2).map(|s| s.id);
            houses.push(
                self.create_house(social, village.id, &details, parent, assistant)
                    .await?,
            );
        }
        let youth = HouseDetails::parse(&HouseInput {
            name: "Youth House",
            kind: "youth_house",
            capacity: "10",
        })
        .map_err(|_| demo_error("bad demo house"))?;
        let youth_house = self
            .create_house(social, village.id, &youth, None, None)
            .await?;
        if houses.is_empty() {
            return Ok(());
        }

        let mut placed_children: Vec<(Id, Id, Date)> = Vec::new();
        let mut group_iter = groups.into_iter();
        for (i, house) in houses.iter().enumerate() {
            let Some(group) = group_iter.next() else {
                break;
            };
            // Every third family came first to another house for a few weeks, then
            // moved with all its children: a placement history with reasons.
            let arrived = today - Duration::days(rng.gen_range(400..2500));
            let moved = (i % 3 == 2).then(|| arrived + Duration::days(rng.gen_range(20..60)));
            for child in &group {
                let born = self.person(*child).await?.birth_date;
                let start = if born + Duration::days(30) > arrived {
                    born + Duration::days(30)
                } else {
                    arrived
                };
                if start > today - Duration::days(100) {
                    continue;
                }
                let Some(care) = self
                    .demo_admit(*child, village.id, start, social, director)
                    .await?
                else {
                    continue;
                };
                let first_house = if moved.is_some() {
                    &houses[(i + 1) % houses.len()]
                } else {
                    house
                };
                if self
                    .demo_place(
                        care,
                        first_house.id,
                        start,
                        "Admitted after gatekeeping",
                        "",
                        social,
                    )
                    .await
                    .is_err()
                {
                    continue;
                }
                placed_children.push((care, house.id, start));
            }
            if let Some(moved) = moved {
                for (care, _, start) in placed_children.iter().filter(|(_, h, _)| *h == house.id) {
                    if moved <= *start {
                        continue;
                    }
                    if let Some(open) = self
                        .placements_of(*care)
                        .await?
                        .into_iter()
                        .find(|p| p.ended_on.is_none())
                    {
                        let end = PlacementEnd::parse(
                            &moved.to_string(),
                            "Moved with the siblings to their own SOS family",
                            open.started_on,
                            today,
                        )
                        .map_err(|_| demo_error("bad demo move"))?;
                        self.end_placement(social, open.id, open.version, &end)
                            .await?;
                    }
                }
                for (care, _, start) in placed_children.iter().filter(|(_, h, _)| *h == house.id) {
                    if moved > *start {
                        let _ = self
                            .demo_place(
                                *care,
                                house.id,
                                moved,
                                "A place in their own SOS family came free",
                                "",
                                social,
                            )
                            .await;
                    }
                }
            }
        }

        // One sibling group split: the oldest goes to the youth house, with the reason.
        if let Some(group) = group_iter.find(|g| g.len() >= 2) {
            let mut oldest_first = Vec::new();
            for child in &group {
                oldest_first.push((self.person(*child).await?.birth_date, *child));
            }
            oldest_first.sort();
            let target = houses
                .iter()
                .min_by_key(|h| h.children)
                .map(|h| h.id)
                .unwrap_or(houses[0].id);
            for (n, (born, child)) in oldest_first.iter().enumerate() {
                let start = today - Duration::days(rng.gen_range(150..300));
                if *born + Duration::days(30) > start {
                    continue;
                }
                let Some(care) = self
                    .demo_admit(*child, village.id, start, social, director)
                    .await?
                else {
                    continue;
                };
                let (house, apart) = if n == 0 && today.year() - born.year() >= 12 {
                    (youth_house.id, "")
                } else if n == 0 {
                    (houses[houses.len() - 1].id, "")
                } else {
                    (target, "No SOS family had places for all of them; the children meet every weekend and move together when a place frees")
                };
                if self
                    .demo_place(
                        care,
                        house,
                        start,
                        "Admitted after gatekeeping",
                        apart,
                        social,
                    )
                    .await
                    .is_ok()
                {
                    placed_children.push((care, house, start));
                }
            }
        }

        // Plans, school, notes and case steps for the children in care.
        for (n, (care, _, start)) in placed_children.iter().enumerate() {
            let child = self.care_child(*care).await?;
            if child.house_id.is_none() {
                continue;
            }
            // One plan in four is overdue: made more than six months ago, not reviewed.
            let made = if n % 4 == 0 {
                today - Duration::days(rng.gen_range(200..320))
            } else {
                today - Duration::days(rng.gen_range(5..150))
            };
            let made = made.max(*start);
            let review = haven_domain::care::add_months(made, 6);
            let plan = PlanDetails::parse(
                &PlanInput {
                    made_on: &made.to_string(),
                    review_on: &review.to_string(),
                    strengths: "Close to the siblings; likes school and football",
                    risks_needs: "Catching up in reading; grief for the parents",
                    child_heard: true,
                    child_views:
                        "Wants to stay with the brothers and sisters and to become a teacher",
                },
                made,
                6,
            )
            .map_err(|_| demo_error("bad demo plan"))?;
            let plan = self
                .create_plan(social, PlanSubject::Child(*care), &plan)
                .await?;
            for (area, goal, actions, progress) in [
                (
                    "education",
                    "Reads at grade level by the end of the school year",
                    "Extra reading lessons twice a week",
                    "in_progress",
                ),
                (
                    "identity",
                    "Has a birth certificate",
                    "Apply at the commune office with the village director's letter",
                    if n % 2 == 0 {
                        "achieved"
                    } else {
                        "not_started"
                    },
                ),
                (
                    "health",
                    "Keeps up with check-ups at the medical centre",
                    "SOS mother takes the child every six months",
                    "in_progress",
                ),
            ] {
                let goal = GoalDetails::parse(&GoalInput {
                    area,
                    goal,
                    actions,
                    responsible: "SOS mother and social worker",
                    due_on: &haven_domain::care::add_months(made, 5).to_string(),
                    progress,
                    progress_note: "",
                })
                .map_err(|_| demo_error("bad demo goal"))?;
                self.add_goal(social, plan.id, &goal).await?;
            }
            if n % 3 != 0 {
                self.approve_plan(director, plan.id, plan.version).await?;
            }
            for to in [CareCaseState::CasePlan, CareCaseState::Implementation] {
                let version = self.care_child(*care).await?.version;
                let _ = self
                    .move_case(social, PlanSubject::Child(*care), version, to, "")
                    .await;
            }
            let born = child.birth_date;
            let age = today.year() - born.year();
            // Most school-age children are enrolled; a few are not yet (the list shows them).
            if (6..=17).contains(&age) && n % 7 != 3 {
                let (level, grade) = match age {
                    6..=11 => ("primary", (age - 5).to_string()),
                    12..=14 => ("lower_secondary", (age - 5).to_string()),
                    _ => ("upper_secondary", (age - 5).min(12).to_string()),
                };
                let enrolment = EnrolmentDetails::parse(&EnrolmentInput {
                    level,
                    school: if level == "primary" {
                        "Hun Sen Village Primary School"
                    } else {
                        "Sisowath High School"
                    },
                    grade: &grade,
                    school_year: &(today.year() - 1).to_string(),
                    scholarship: if n % 5 == 0 { "SOS education fund" } else { "" },
                })
                .map_err(|_| demo_error("bad demo enrolment"))?;
                let enrolment = self.add_enrolment(social, *care, &enrolment).await?;
                let present = rng.gen_range(40..60);
                let term = TermDetails::parse(&TermInput {
                    term: "1",
                    days_present: &present.to_string(),
                    days_possible: "60",
                    average: &format!("{}", rng.gen_range(45..95)),
                    passed: n % 6 != 1,
                    remark: "",
                })
                .map_err(|_| demo_error("bad demo term"))?;
                self.add_term(social, enrolment.id, &term).await?;
            }
            if first && child.house_id == Some(houses[0].id) {
                for (days, body) in [
                    (2, "Ate well and did homework with the older sister."),
                    (1, "A small fever in the evening; slept early."),
                ] {
                    let on = today - Duration::days(days);
                    let note = NoteDetails::parse("daily", &on.to_string(), body, today)
                        .map_err(|_| demo_error("bad demo note"))?;
                    self.add_care_note(mother, *care, &note).await?;
                }
                if n == 0 {
                    let note = NoteDetails::parse("psychosocial", &(today - Duration::days(10)).to_string(), "Talked about the mother's death; sleeps badly since. Weekly sessions agreed.", today)
                        .map_err(|_| demo_error("bad demo note"))?;
                    self.add_care_note(social, *care, &note).await?;
                }
            }
        }

        // A few youths in after-care: the oldest children in care left for a job.
        let mut oldest: Vec<(Date, Id)> = Vec::new();
        for (care, _, start) in &placed_children {
            let child = self.care_child(*care).await?;
            if child.house_id.is_some()
                && today.year() - child.birth_date.year() >= 16
                && *start < today - Duration::days(400)
            {
                oldest.push((child.birth_date, *care));
            }
        }
        oldest.sort();
        for (_, care) in oldest.into_iter().take(2) {
            let left = today - Duration::days(rng.gen_range(60..120));
            let semi = StepDetails::parse(
                "semi_independent",
                &(left - Duration::days(180)).to_string(),
                &left.to_string(),
                "Shared flat near the village, supervised",
                today,
            )
            .map_err(|_| demo_error("bad demo step"))?;
            self.add_step(social, care, &semi).await?;
            let job = StepDetails::parse(
                "employment",
                &(left - Duration::days(20)).to_string(),
                "",
                "Apprentice mechanic, Battambang",
                today,
            )
            .map_err(|_| demo_error("bad demo step"))?;
            self.add_step(social, care, &job).await?;
            let leaving = LeavingDetails::parse(
                &left.to_string(),
                "independent_living",
                "Finished school and started work",
                today,
            )
            .map_err(|_| demo_error("bad demo leaving"))?;
            let version = self.care_child(care).await?.version;
            self.record_leaving(social, care, version, &leaving).await?;
            let follow = FollowUpDetails::parse(
                &(left + Duration::days(30)).to_string(),
                "doing_well",
                "Pays the rent; visits the SOS mother on Sundays",
                &(left + Duration::days(120)).to_string(),
                today,
            )
            .map_err(|_| demo_error("bad demo follow-up"))?;
            self.add_followup(social, care, &follow).await?;
        }
        Ok(())
    }

    /// The registry's SOS families at a village: each caregiver's children, in order.
    async fn demo_sos_families(&self, village: Id) -> Result<Vec<Vec<Id>>> {
        let rows: Vec<(Id, Id)> = on_pool!(&self.pool, pool => {
            sqlx::query_as(
                "SELECT r.related_person_id, r.person_id FROM person_relationship r
                 JOIN person p ON p.id = r.person_id
                 WHERE r.kind = 'sos_parent' AND r.ended_at IS NULL AND p.registered_facility_id = $1
                 ORDER BY r.related_person_id, p.birth_date, p.id",
            )
            .bind(village)
            .fetch_all(pool)
            .await?
        });
        let mut groups: BTreeMap<Id, Vec<Id>> = BTreeMap::new();
        for (caregiver, child) in rows {
            groups.entry(caregiver).or_default().push(child);
        }
        Ok(groups.into_values().collect())
    }

    /// Gatekeeping for a demo child, approved by the director on the same day.
    async fn demo_admit(
        &self,
        person: Id,
        village: Id,
        on: Date,
        social: &Actor,
        director: &Actor,
    ) -> Result<Option<Id>> {
        let review = haven_domain::care::add_months(on, 6);
        let details = AdmissionDetails::parse(
            &AdmissionInput {
                referred_by: "Commune Council for Women and Children",
                referred_on: &(on - Duration::days(14)).to_string(),
                authority: "Provincial Department of Social Affairs",
                authority_reference: &format!("DoSVY-{}-{:04}", on.year(), on.ordinal()),
                necessity: "Both parents died; the grandmother is too ill to care for the children. Kinship care with an aunt was tried for three months.",
                family_support: "Food and school support to the aunt's family; the aunt could not go on.",
                options_considered: vec!["family_of_origin", "kinship", "foster"],
                chosen_option: "sos_family",
                suitability: "An SOS family keeps the siblings together near their commune and school.",
                child_views: "Wants to stay with the brothers and sisters.",
                siblings_note: "Admitted together with the siblings.",
                decision: "admit",
                decided_on: &on.to_string(),
                review_on: &review.to_string(),
                ..AdmissionInput::default()
            },
            on,
        )
        .map_err(|_| demo_error("bad demo admission"))?;
        let admission = match self
            .record_admission(social, person, village, &details)
            .await
        {
            Ok(admission) => admission,
            Err(StoreError::Duplicate { .. }) => return Ok(None),
            Err(other) => return Err(other),
        };
        self.decide_admission(
            director,
            admission.id,
            admission.version,
            AdmissionStatus::Approved,
            "Approved at the admissions meeting",
        )
        .await?;
        Ok(Some(admission.child_id))
    }

    async fn demo_place(
        &self,
        child: Id,
        house: Id,
        on: Date,
        reason: &str,
        apart: &str,
        actor: &Actor,
    ) -> std::result::Result<(), super::CareWriteError> {
        let details = PlacementDetails::parse(
            &PlacementInput {
                started_on: &on.to_string(),
                ended_on: "",
                reason,
                apart_reason: apart,
            },
            on,
        )
        .map_err(|_| super::CareWriteError::Store(demo_error("bad demo placement")))?;
        self.place_child(actor, child, house, &details, PlacementChecks::default())
            .await
            .map(|_| ())
    }

    async fn demo_households(
        &self,
        office: &crate::Facility,
        partners: &[Id],
        actor: &Actor,
        today: Date,
        rng: &mut StdRng,
    ) -> Result<()> {
        let rows: Vec<(Id, Id)> = on_pool!(&self.pool, pool => {
            sqlx::query_as(
                "SELECT r.related_person_id, r.person_id FROM person_relationship r
                 JOIN person p ON p.id = r.person_id
                 WHERE r.kind = 'mother' AND r.ended_at IS NULL AND p.registered_facility_id = $1
                 ORDER BY r.related_person_id, p.birth_date, p.id",
            )
            .bind(office.id)
            .fetch_all(pool)
            .await?
        });
        let mut families: BTreeMap<Id, Vec<Id>> = BTreeMap::new();
        for (mother, child) in rows {
            families.entry(mother).or_default().push(child);
        }
        let vulnerabilities = [
            "poverty",
            "single_caregiver",
            "chronic_illness",
            "out_of_school",
            "food_insecurity",
            "poor_housing",
            "no_income",
            "disability",
        ];
        for (n, (mother, children)) in families.into_iter().take(HOUSEHOLDS_PER_OFFICE).enumerate()
        {
            let person = self.person(mother).await?;
            let name = format!(
                "{} family",
                if person.family_name_latin.is_empty() {
                    &person.family_name_km
                } else {
                    &person.family_name_latin
                }
            );
            let chosen = [
                vulnerabilities[n % vulnerabilities.len()],
                vulnerabilities[(n + 3) % vulnerabilities.len()],
            ];
            let details = HouseholdDetails::parse(&name, &chosen)
                .map_err(|_| demo_error("bad demo household"))?;
            let household = self.create_household(actor, office.id, &details).await?;
            self.add_household_member(actor, household.id, mother, false)
                .await?;
            for (i, child) in children.iter().enumerate() {
                self.add_household_member(actor, household.id, *child, i == 0)
                    .await?;
            }
            for (k, (kind, notes)) in [
                ("food", "Rice and oil for three months"),
                ("education", "School uniforms and books"),
                ("economic", "Savings group and a loan for chickens"),
                (
                    "referral",
                    "Referred to the health centre for the grandmother",
                ),
            ]
            .iter()
            .enumerate()
            {
                if k > 1 + n % 3 {
                    break;
                }
                let given = today - Duration::days(rng.gen_range(10..300));
                let partner = match *kind {
                    "referral" => partners.first().copied(),
                    "food" => partners.get(3).copied(),
                    "economic" => partners.get(4).copied(),
                    _ => None,
                };
                let service = ServiceDetails::parse(
                    kind,
                    &given.to_string(),
                    notes,
                    partner.is_some(),
                    today,
                )
                .map_err(|_| demo_error("bad demo service"))?;
                self.add_service(actor, household.id, None, partner, &service)
                    .await?;
            }
            for (days, level) in [
                (300, "crisis"),
                (120, if n % 2 == 0 { "coping" } else { "vulnerable" }),
            ] {
                let progress = ProgressDetails::parse(
                    &(today - Duration::days(days)).to_string(),
                    level,
                    "",
                    today,
                )
                .map_err(|_| demo_error("bad demo progress"))?;
                self.add_progress(actor, household.id, &progress).await?;
            }
            for to in [
                CareCaseState::Assessment,
                CareCaseState::CasePlan,
                CareCaseState::Implementation,
            ] {
                let version = self.household(household.id).await?.version;
                let _ = self
                    .move_case(actor, PlanSubject::Household(household.id), version, to, "")
                    .await;
            }
            let made = today - Duration::days(if n % 3 == 0 { 230 } else { 40 });
            let plan = PlanDetails::parse(
                &PlanInput {
                    made_on: &made.to_string(),
                    review_on: &haven_domain::care::add_months(made, 6).to_string(),
                    strengths: "The mother works hard; the children go to school",
                    risks_needs: "No regular income; debts",
                    child_heard: false,
                    child_views: "",
                },
                made,
                6,
            )
            .map_err(|_| demo_error("bad demo plan"))?;
            let plan = self
                .create_plan(actor, PlanSubject::Household(household.id), &plan)
                .await?;
            let goal = GoalDetails::parse(&GoalInput {
                area: "livelihood",
                goal: "A regular income from the family's own work",
                actions: "Savings group; chicken raising; training at the commune",
                responsible: "Mother, with the social worker",
                due_on: &haven_domain::care::add_months(made, 6).to_string(),
                progress: "in_progress",
                progress_note: "",
            })
            .map_err(|_| demo_error("bad demo goal"))?;
            self.add_goal(actor, plan.id, &goal).await?;
            if n == HOUSEHOLDS_PER_OFFICE - 1 {
                let end = HouseholdEnd::parse(
                    "graduated",
                    &(today - Duration::days(5)).to_string(),
                    "Self-reliant for a year; children in school",
                    today,
                )
                .map_err(|_| demo_error("bad demo exit"))?;
                let version = self.household(household.id).await?.version;
                self.end_household(actor, household.id, version, &end)
                    .await?;
            }
        }
        Ok(())
    }
}
