//! Birth: the delivery record (place, time, attendant, mode, complications, the
//! mother's outcome) and each baby's outcome and weight. Live-born babies become
//! people of the registry, named after their mother's family until named.

use time::{Date, Time};

use super::{Errors, FieldErrors, MchError, NOTE_MAX};
use crate::person::{NameInput, PersonNames, Sex};

/// Below this birth weight (grams) a baby is of low birth weight (WHO).
pub const LOW_BIRTH_WEIGHT_GRAMS: i64 = 2500;
/// The most babies one delivery record holds.
pub const MAX_BABIES: usize = 4;

/// A baby's form fields: outcome, sex, weight, given name in Khmer and in Latin.
pub const BABY_FIELDS: [[&str; 5]; MAX_BABIES] = [
    [
        "baby1_outcome",
        "baby1_sex",
        "baby1_weight_g",
        "baby1_given_name_km",
        "baby1_given_name_latin",
    ],
    [
        "baby2_outcome",
        "baby2_sex",
        "baby2_weight_g",
        "baby2_given_name_km",
        "baby2_given_name_latin",
    ],
    [
        "baby3_outcome",
        "baby3_sex",
        "baby3_weight_g",
        "baby3_given_name_km",
        "baby3_given_name_latin",
    ],
    [
        "baby4_outcome",
        "baby4_sex",
        "baby4_weight_g",
        "baby4_given_name_km",
        "baby4_given_name_latin",
    ],
];

coded_enum! {
    /// Where the baby was born.
    DeliveryPlace {
        Facility => "facility",
        OtherFacility => "other_facility",
        Home => "home",
        InTransit => "in_transit",
    }
}

coded_enum! {
    /// Who attended the birth.
    Attendant {
        Midwife => "midwife",
        Nurse => "nurse",
        Doctor => "doctor",
        TraditionalBirthAttendant => "traditional_birth_attendant",
        Relative => "relative",
        NoOne => "no_one",
    }
}

coded_enum! {
    DeliveryMode {
        Vaginal => "vaginal",
        Assisted => "assisted",
        Caesarean => "caesarean",
    }
}

coded_enum! {
    /// Each baby's outcome.
    BirthOutcome {
        LiveBirth => "live_birth",
        StillBirthFresh => "still_birth_fresh",
        StillBirthMacerated => "still_birth_macerated",
    }
}

coded_enum! {
    Complication {
        Haemorrhage => "haemorrhage",
        Eclampsia => "eclampsia",
        ObstructedLabour => "obstructed_labour",
        Sepsis => "sepsis",
    }
}

coded_enum! {
    /// The mother's outcome.
    MotherOutcome {
        Well => "well",
        Complications => "complications",
        Referred => "referred",
        Died => "died",
    }
}

/// A weight under 2500 g is low birth weight.
pub fn is_low_birth_weight(grams: i64) -> bool {
    grams < LOW_BIRTH_WEIGHT_GRAMS
}

/// The indicator that counts (spec): a birth in a facility attended by a midwife.
pub fn is_midwife_facility_birth(place: DeliveryPlace, attendant: Attendant) -> bool {
    place == DeliveryPlace::Facility && attendant == Attendant::Midwife
}

/// A baby as typed.
#[derive(Clone, Debug, Default)]
pub struct BabyInput<'a> {
    pub outcome: &'a str,
    pub sex: &'a str,
    pub weight_g: &'a str,
    pub given_name_km: &'a str,
    pub given_name_latin: &'a str,
}

impl BabyInput<'_> {
    fn is_blank(&self) -> bool {
        [
            self.outcome,
            self.sex,
            self.weight_g,
            self.given_name_km,
            self.given_name_latin,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }
}

/// A delivery as typed.
#[derive(Clone, Debug, Default)]
pub struct DeliveryInput<'a> {
    pub delivered_on: &'a str,
    pub delivered_time: &'a str,
    pub place: &'a str,
    pub attendant: &'a str,
    pub mode: &'a str,
    pub complications: &'a [String],
    pub mother_outcome: &'a str,
    pub notes: &'a str,
    pub babies: Vec<BabyInput<'a>>,
}

/// A baby, parsed: a live-born baby has a sex and names for the registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Baby {
    outcome: BirthOutcome,
    sex: Sex,
    weight_g: Option<i64>,
    names: Option<PersonNames>,
}

impl Baby {
    pub fn outcome(&self) -> BirthOutcome {
        self.outcome
    }
    pub fn sex(&self) -> Sex {
        self.sex
    }
    pub fn weight_g(&self) -> Option<i64> {
        self.weight_g
    }
    /// The names a live-born baby is registered with.
    pub fn names(&self) -> Option<&PersonNames> {
        self.names.as_ref()
    }
    pub fn is_live_born(&self) -> bool {
        self.outcome == BirthOutcome::LiveBirth
    }
    pub fn is_low_birth_weight(&self) -> bool {
        self.weight_g.is_some_and(is_low_birth_weight)
    }
}

/// A delivery, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryDetails {
    delivered_on: Date,
    delivered_time: Option<Time>,
    place: DeliveryPlace,
    attendant: Attendant,
    mode: DeliveryMode,
    complications: Vec<Complication>,
    mother_outcome: MotherOutcome,
    notes: String,
    babies: Vec<Baby>,
}

/// The mother's family names, given to her babies until they are named.
#[derive(Clone, Copy, Debug, Default)]
pub struct MotherNames<'a> {
    pub family_km: &'a str,
    pub family_latin: &'a str,
}

impl DeliveryDetails {
    /// A delivery is not in the future and not before the pregnancy was registered.
    pub fn parse(
        input: &DeliveryInput<'_>,
        today: Date,
        registered_on: Date,
        mother: MotherNames<'_>,
    ) -> Result<DeliveryDetails, FieldErrors> {
        let mut errors = Errors::default();
        let delivered_on = match errors.past_date("delivered_on", input.delivered_on, today) {
            Some(day) if day < registered_on => {
                errors.push("delivered_on", MchError::BeforeRegistration);
                None
            }
            other => other,
        };
        let delivered_time = match input.delivered_time.trim() {
            "" => None,
            raw => match Time::parse(raw, time::macros::format_description!("[hour]:[minute]")) {
                Ok(time) => Some(time),
                Err(_) => {
                    errors.push("delivered_time", MchError::BadTime);
                    None
                }
            },
        };
        let mut required = |field: &'static str, raw: &str| {
            if raw.trim().is_empty() {
                errors.push(field, MchError::BadChoice);
            }
        };
        required("place", input.place);
        required("attendant", input.attendant);
        required("mode", input.mode);
        required("mother_outcome", input.mother_outcome);
        let place = errors.choice("place", input.place, DeliveryPlace::parse);
        let attendant = errors.choice("attendant", input.attendant, Attendant::parse);
        let mode = errors.choice("mode", input.mode, DeliveryMode::parse);
        let mother_outcome =
            errors.choice("mother_outcome", input.mother_outcome, MotherOutcome::parse);
        let complications = errors.codes("complications", input.complications, Complication::parse);
        let notes = errors.text("notes", input.notes, NOTE_MAX);
        let mut babies = Vec::new();
        if input.babies.len() > MAX_BABIES {
            errors.push("babies", MchError::TooManyBabies);
        }
        for (index, baby) in input.babies.iter().enumerate().take(MAX_BABIES) {
            if baby.is_blank() {
                continue;
            }
            let [outcome_field, sex_field, weight_field, km_field, latin_field] =
                BABY_FIELDS[index];
            let outcome = match baby.outcome.trim() {
                "" => {
                    errors.push(outcome_field, MchError::BadChoice);
                    None
                }
                raw => errors.choice(outcome_field, raw, BirthOutcome::parse),
            };
            let sex = errors
                .choice(sex_field, baby.sex, Sex::parse)
                .unwrap_or(Sex::Unknown);
            let weight_g = errors.whole(
                weight_field,
                baby.weight_g,
                300..=7000,
                MchError::BadBirthWeight,
            );
            let live = outcome == Some(BirthOutcome::LiveBirth);
            if live && !matches!(sex, Sex::Female | Sex::Male | Sex::Other) {
                errors.push(sex_field, MchError::SexRequired);
            }
            let names = if live {
                match PersonNames::parse(&NameInput {
                    family_km: mother.family_km,
                    given_km: baby.given_name_km,
                    family_latin: mother.family_latin,
                    given_latin: baby.given_name_latin,
                    other_names: "",
                    nicknames: "",
                }) {
                    Ok(names) => Some(names),
                    Err(problems) => {
                        for (field, _) in problems {
                            let at = match field {
                                crate::person::NameField::GivenKm
                                | crate::person::NameField::FamilyKm => km_field,
                                _ => latin_field,
                            };
                            errors.push(at, MchError::BadName);
                        }
                        None
                    }
                }
            } else {
                None
            };
            if let Some(outcome) = outcome {
                babies.push(Baby {
                    outcome,
                    sex,
                    weight_g,
                    names,
                });
            }
        }
        if babies.is_empty() && errors.is_empty() {
            errors.push(BABY_FIELDS[0][0], MchError::BabyRequired);
        }
        match (delivered_on, place, attendant, mode, mother_outcome) {
            (
                Some(delivered_on),
                Some(place),
                Some(attendant),
                Some(mode),
                Some(mother_outcome),
            ) if errors.is_empty() => Ok(DeliveryDetails {
                delivered_on,
                delivered_time,
                place,
                attendant,
                mode,
                complications,
                mother_outcome,
                notes,
                babies,
            }),
            _ => Err(errors.into_inner()),
        }
    }

    pub fn delivered_on(&self) -> Date {
        self.delivered_on
    }
    pub fn delivered_time(&self) -> Option<Time> {
        self.delivered_time
    }
    pub fn place(&self) -> DeliveryPlace {
        self.place
    }
    pub fn attendant(&self) -> Attendant {
        self.attendant
    }
    pub fn mode(&self) -> DeliveryMode {
        self.mode
    }
    pub fn complications(&self) -> &[Complication] {
        &self.complications
    }
    pub fn mother_outcome(&self) -> MotherOutcome {
        self.mother_outcome
    }
    pub fn notes(&self) -> &str {
        &self.notes
    }
    pub fn babies(&self) -> &[Baby] {
        &self.babies
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn parse(input: DeliveryInput<'_>) -> Result<DeliveryDetails, FieldErrors> {
        DeliveryDetails::parse(
            &input,
            date!(2025 - 10 - 10),
            date!(2025 - 03 - 01),
            MotherNames {
                family_km: "សុខ",
                family_latin: "Sok",
            },
        )
    }

    fn base<'a>() -> DeliveryInput<'a> {
        DeliveryInput {
            delivered_on: "2025-10-01",
            delivered_time: "06:30",
            place: "facility",
            attendant: "midwife",
            mode: "vaginal",
            mother_outcome: "well",
            babies: vec![BabyInput {
                outcome: "live_birth",
                sex: "female",
                weight_g: "2400",
                ..BabyInput::default()
            }],
            ..DeliveryInput::default()
        }
    }

    #[test]
    fn a_live_birth_is_named_after_its_mother_and_flagged_when_small() {
        let delivery = parse(base()).expect("valid");
        let baby = &delivery.babies()[0];
        assert!(baby.is_live_born());
        assert!(baby.is_low_birth_weight());
        assert_eq!(baby.names().map(|n| n.family_latin()), Some("Sok"));
        assert!(is_midwife_facility_birth(
            delivery.place(),
            delivery.attendant()
        ));
        assert!(!is_midwife_facility_birth(
            DeliveryPlace::Home,
            Attendant::Midwife
        ));
        assert!(!is_low_birth_weight(2500));
        assert!(is_low_birth_weight(2499));
    }

    #[test]
    fn bad_deliveries_are_refused_at_their_field() {
        let check = |input: DeliveryInput<'_>, expected: FieldErrors| {
            assert_eq!(
                parse(input.clone()).err().unwrap_or_default(),
                expected,
                "{input:?}"
            );
        };
        check(
            DeliveryInput {
                delivered_on: "2025-02-28",
                ..base()
            },
            vec![("delivered_on", MchError::BeforeRegistration)],
        );
        check(
            DeliveryInput {
                delivered_on: "2025-10-11",
                ..base()
            },
            vec![("delivered_on", MchError::DateInFuture)],
        );
        check(
            DeliveryInput {
                delivered_time: "25:00",
                ..base()
            },
            vec![("delivered_time", MchError::BadTime)],
        );
        check(
            DeliveryInput { mode: "", ..base() },
            vec![("mode", MchError::BadChoice)],
        );
        check(
            DeliveryInput {
                babies: vec![],
                ..base()
            },
            vec![("baby1_outcome", MchError::BabyRequired)],
        );
        check(
            DeliveryInput {
                babies: vec![BabyInput {
                    outcome: "live_birth",
                    weight_g: "9000",
                    ..BabyInput::default()
                }],
                ..base()
            },
            vec![
                ("baby1_weight_g", MchError::BadBirthWeight),
                ("baby1_sex", MchError::SexRequired),
            ],
        );
        check(
            DeliveryInput {
                babies: vec![BabyInput {
                    outcome: "live_birth",
                    sex: "male",
                    given_name_km: "Dara",
                    ..BabyInput::default()
                }],
                ..base()
            },
            vec![("baby1_given_name_km", MchError::BadName)],
        );
        // A still birth needs no sex and gets no names; a blank second row is skipped.
        let still = parse(DeliveryInput {
            babies: vec![
                BabyInput {
                    outcome: "still_birth_macerated",
                    ..BabyInput::default()
                },
                BabyInput::default(),
            ],
            ..base()
        })
        .expect("valid");
        assert_eq!(still.babies().len(), 1);
        assert_eq!(still.babies()[0].names(), None);
    }
}
