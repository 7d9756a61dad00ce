//! Medicines: the essential medicines list embedded from data/medicines, prescriptions,
//! stock quantities, and the first-expiry-first-out plan of a dispense.

use std::sync::OnceLock;

use time::Date;

use super::{
    choice, note, optional_date, required_note, ClinicError, Errors, FieldError, SHORT_MAX,
};

const TSV: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/medicines/essential-medicines.tsv"
));

coded_enum! {
    /// The dosage form of a medicine.
    DoseForm {
        Tablet => "tablet",
        DispersibleTablet => "dispersible_tablet",
        ChewableTablet => "chewable_tablet",
        Capsule => "capsule",
        OralLiquid => "oral_liquid",
        PowderOral => "powder_oral",
        Paste => "paste",
        Injection => "injection",
        Infusion => "infusion",
        Inhaler => "inhaler",
        RespiratorSolution => "respirator_solution",
        Cream => "cream",
        Gel => "gel",
        EyeOintment => "eye_ointment",
    }
}

coded_enum! {
    /// The unit a medicine is counted and dispensed in.
    StockUnit {
        Tablet => "tablet",
        Capsule => "capsule",
        Bottle => "bottle",
        Sachet => "sachet",
        Vial => "vial",
        Ampoule => "ampoule",
        Bag => "bag",
        Tube => "tube",
        Inhaler => "inhaler",
    }
}

coded_enum! {
    /// How a medicine is given.
    Route {
        Oral => "oral",
        Intravenous => "iv",
        Intramuscular => "im",
        Subcutaneous => "sc",
        Topical => "topical",
        Rectal => "rectal",
        Inhaled => "inhaled",
        Eye => "eye",
        Vaginal => "vaginal",
    }
}

coded_enum! {
    /// How often a dose is given.
    Frequency {
        Once => "once",
        Daily => "od",
        TwiceDaily => "bd",
        ThreeTimesDaily => "tds",
        FourTimesDaily => "qds",
        Every4Hours => "q4h",
        Every6Hours => "q6h",
        Every8Hours => "q8h",
        AsNeeded => "prn",
    }
}

coded_enum! {
    /// Why stock changed. Every change of stock is one movement of one of these kinds.
    MovementKind {
        Receipt => "receipt",
        Dispense => "dispense",
        Issue => "issue",
        Adjustment => "adjustment",
        Count => "count",
    }
}

coded_enum! {
    /// Why stock was adjusted.
    AdjustmentReason {
        Damaged => "damaged",
        Expired => "expired",
        Lost => "lost",
        Found => "found",
        ReturnedByPatient => "returned",
        Correction => "correction",
    }
}

/// A medicine of the list.
#[derive(Debug, PartialEq, Eq)]
pub struct Medicine {
    code: &'static str,
    name: &'static str,
    form: DoseForm,
    strength: &'static str,
    unit: StockUnit,
    low_stock: i64,
    section: &'static str,
}

impl Medicine {
    pub fn code(&self) -> &'static str {
        self.code
    }
    pub fn name(&self) -> &'static str {
        self.name
    }
    pub fn form(&self) -> DoseForm {
        self.form
    }
    pub fn strength(&self) -> &'static str {
        self.strength
    }
    pub fn unit(&self) -> StockUnit {
        self.unit
    }
    /// Below this many units on hand a facility is warned.
    pub fn low_stock(&self) -> i64 {
        self.low_stock
    }
    /// The section of the WHO Model List.
    pub fn section(&self) -> &'static str {
        self.section
    }
}

fn read_list() -> (Vec<Medicine>, Vec<String>) {
    let mut problems = Vec::new();
    let mut list = Vec::new();
    for line in TSV
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cells: Vec<&'static str> = line.split('\t').collect();
        match cells.as_slice() {
            [code, name, form, strength, unit, low, section] => {
                match (DoseForm::parse(form), StockUnit::parse(unit), low.parse()) {
                    (Some(form), Some(unit), Ok(low_stock)) => list.push(Medicine {
                        code,
                        name,
                        form,
                        strength,
                        unit,
                        low_stock,
                        section,
                    }),
                    _ => problems.push(format!("{code}: form, unit or level")),
                }
            }
            other => problems.push(format!("{other:?}")),
        }
    }
    (list, problems)
}

/// Every medicine of the list, by name then strength.
pub fn list() -> &'static [Medicine] {
    static LIST: OnceLock<Vec<Medicine>> = OnceLock::new();
    LIST.get_or_init(|| {
        let mut list = read_list().0;
        list.sort_by(|a, b| (a.name, a.strength).cmp(&(b.name, b.strength)));
        list
    })
}

/// The medicine with this code.
pub fn find(code: &str) -> Option<&'static Medicine> {
    let code = code.trim();
    list().iter().find(|m| m.code == code)
}

/// A quantity of stock units: a whole number from 1 to 100,000.
pub fn parse_quantity(raw: &str) -> Result<i64, ClinicError> {
    match raw.trim().parse::<i64>() {
        Ok(q) if (1..=100_000).contains(&q) => Ok(q),
        _ => Err(ClinicError::BadQuantity),
    }
}

/// A prescription: what, how much, how, how often and for how long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prescription {
    medicine: &'static Medicine,
    dose: String,
    route: Route,
    frequency: Frequency,
    duration_days: Option<i64>,
    quantity: i64,
    instructions: String,
}

/// A prescription as typed.
#[derive(Clone, Debug, Default)]
pub struct PrescriptionInput<'a> {
    pub medicine: &'a str,
    pub dose: &'a str,
    pub route: &'a str,
    pub frequency: &'a str,
    pub duration_days: &'a str,
    pub quantity: &'a str,
    pub instructions: &'a str,
}

impl Prescription {
    pub fn parse(input: &PrescriptionInput<'_>) -> Result<Prescription, Vec<FieldError>> {
        let mut errors = Errors::default();
        let medicine = errors.check(
            "medicine",
            find(input.medicine).ok_or(ClinicError::UnknownMedicine),
        );
        let dose = errors.check("dose", required_note(input.dose, 60));
        let route = errors.check("route", choice(Route::parse(input.route)));
        let frequency = errors.check("frequency", choice(Frequency::parse(input.frequency)));
        let duration_days = if input.duration_days.trim().is_empty() {
            Some(None)
        } else {
            errors.check(
                "duration_days",
                match input.duration_days.trim().parse::<i64>() {
                    Ok(d) if (1..=365).contains(&d) => Ok(Some(d)),
                    _ => Err(ClinicError::BadDuration),
                },
            )
        };
        let quantity = errors.check("quantity", parse_quantity(input.quantity));
        let instructions = errors.check("instructions", note(input.instructions, SHORT_MAX));
        match (
            medicine,
            dose,
            route,
            frequency,
            duration_days,
            quantity,
            instructions,
        ) {
            (Some(m), Some(d), Some(r), Some(f), Some(days), Some(q), Some(i))
                if errors.is_empty() =>
            {
                Ok(Prescription {
                    medicine: m,
                    dose: d,
                    route: r,
                    frequency: f,
                    duration_days: days,
                    quantity: q,
                    instructions: i,
                })
            }
            _ => Err(errors.into_vec()),
        }
    }

    pub fn medicine(&self) -> &'static Medicine {
        self.medicine
    }
    pub fn dose(&self) -> &str {
        &self.dose
    }
    pub fn route(&self) -> Route {
        self.route
    }
    pub fn frequency(&self) -> Frequency {
        self.frequency
    }
    pub fn duration_days(&self) -> Option<i64> {
        self.duration_days
    }
    /// How many stock units to dispense.
    pub fn quantity(&self) -> i64 {
        self.quantity
    }
    pub fn instructions(&self) -> &str {
        &self.instructions
    }
}

/// A batch received into stock: medicine, batch number, expiry and quantity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    medicine: &'static Medicine,
    batch: String,
    expires_on: Date,
    quantity: i64,
}

impl Receipt {
    /// Parses a receipt; a batch that has already expired on `today` is refused.
    pub fn parse(
        medicine: &str,
        batch: &str,
        expires_on: &str,
        quantity: &str,
        today: Date,
    ) -> Result<Receipt, Vec<FieldError>> {
        let mut errors = Errors::default();
        let medicine = errors.check(
            "medicine",
            find(medicine).ok_or(ClinicError::UnknownMedicine),
        );
        let batch = errors.check("batch", required_note(batch, 40));
        let expires = errors.check(
            "expires_on",
            optional_date(expires_on).and_then(|d| d.ok_or(ClinicError::Required)),
        );
        if expires.is_some_and(|d| d < today) {
            errors.push("expires_on", ClinicError::BatchExpired);
        }
        let quantity = errors.check("quantity", parse_quantity(quantity));
        match (medicine, batch, expires, quantity) {
            (Some(medicine), Some(batch), Some(expires_on), Some(quantity))
                if errors.is_empty() =>
            {
                Ok(Receipt {
                    medicine,
                    batch,
                    expires_on,
                    quantity,
                })
            }
            _ => Err(errors.into_vec()),
        }
    }
    pub fn medicine(&self) -> &'static Medicine {
        self.medicine
    }
    pub fn batch(&self) -> &str {
        &self.batch
    }
    pub fn expires_on(&self) -> Date {
        self.expires_on
    }
    pub fn quantity(&self) -> i64 {
        self.quantity
    }
}

/// A change to one batch other than a receipt or a dispense.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StockChange {
    /// Sent out of the pharmacy (to a ward, another facility): a positive quantity.
    Issue { quantity: i64, note: String },
    /// Added or removed for a reason: a non-zero signed quantity.
    Adjustment {
        change: i64,
        reason: AdjustmentReason,
        note: String,
    },
    /// A physical count: the batch now holds this many.
    Count { counted: i64, note: String },
}

impl StockChange {
    pub fn parse(
        kind: &str,
        quantity: &str,
        reason: &str,
        note_text: &str,
    ) -> Result<StockChange, Vec<FieldError>> {
        let mut errors = Errors::default();
        let note_text = errors
            .check("note", note(note_text, SHORT_MAX))
            .unwrap_or_default();
        let change =
            match MovementKind::parse(kind) {
                Some(MovementKind::Issue) => errors
                    .check("quantity", parse_quantity(quantity))
                    .map(|quantity| StockChange::Issue {
                        quantity,
                        note: note_text,
                    }),
                Some(MovementKind::Adjustment) => {
                    let change = errors.check(
                        "quantity",
                        match quantity.trim().parse::<i64>() {
                            Ok(c) if c != 0 && c.abs() <= 100_000 => Ok(c),
                            _ => Err(ClinicError::BadAdjustment),
                        },
                    );
                    let reason = errors.check("reason", choice(AdjustmentReason::parse(reason)));
                    match (change, reason) {
                        (Some(change), Some(reason)) => Some(StockChange::Adjustment {
                            change,
                            reason,
                            note: note_text,
                        }),
                        _ => None,
                    }
                }
                Some(MovementKind::Count) => errors
                    .check(
                        "quantity",
                        match quantity.trim().parse::<i64>() {
                            Ok(c) if (0..=1_000_000).contains(&c) => Ok(c),
                            _ => Err(ClinicError::BadCount),
                        },
                    )
                    .map(|counted| StockChange::Count {
                        counted,
                        note: note_text,
                    }),
                _ => {
                    errors.push("kind", ClinicError::ChooseOption);
                    None
                }
            };
        match change {
            Some(change) if errors.is_empty() => Ok(change),
            _ => Err(errors.into_vec()),
        }
    }

    pub fn kind(&self) -> MovementKind {
        match self {
            StockChange::Issue { .. } => MovementKind::Issue,
            StockChange::Adjustment { .. } => MovementKind::Adjustment,
            StockChange::Count { .. } => MovementKind::Count,
        }
    }

    /// The signed change to a batch that holds `on_hand`.
    pub fn delta(&self, on_hand: i64) -> i64 {
        match self {
            StockChange::Issue { quantity, .. } => -quantity,
            StockChange::Adjustment { change, .. } => *change,
            StockChange::Count { counted, .. } => counted - on_hand,
        }
    }

    pub fn reason_code(&self) -> &'static str {
        match self {
            StockChange::Adjustment { reason, .. } => reason.code(),
            _ => "",
        }
    }

    pub fn note(&self) -> &str {
        match self {
            StockChange::Issue { note, .. }
            | StockChange::Adjustment { note, .. }
            | StockChange::Count { note, .. } => note,
        }
    }
}

/// A batch as a dispense sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchOnHand<T> {
    pub batch: T,
    pub expires_on: Date,
    pub on_hand: i64,
}

/// Not enough usable stock: how many units there are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shortfall {
    pub available: i64,
}

/// Which batches a dispense of `quantity` takes from, first expiry first out. Batches
/// that have expired on `today` are never dispensed.
pub fn plan_dispense<T: Copy>(
    batches: &[BatchOnHand<T>],
    quantity: i64,
    today: Date,
) -> Result<Vec<(T, i64)>, Shortfall> {
    let mut usable: Vec<&BatchOnHand<T>> = batches
        .iter()
        .filter(|b| b.expires_on >= today && b.on_hand > 0)
        .collect();
    usable.sort_by_key(|b| b.expires_on);
    let available: i64 = usable.iter().map(|b| b.on_hand).sum();
    if quantity > available || quantity <= 0 {
        return Err(Shortfall { available });
    }
    let mut left = quantity;
    let mut plan = Vec::new();
    for batch in usable {
        if left == 0 {
            break;
        }
        let take = left.min(batch.on_hand);
        plan.push((batch.batch, take));
        left -= take;
    }
    Ok(plan)
}

/// Days from `today` to a batch's expiry (negative once expired).
pub fn days_to_expiry(expires_on: Date, today: Date) -> i64 {
    (expires_on - today).whole_days()
}

/// A batch is near expiry within this many days (three months, the usual
/// pharmacy rule for moving stock before it is lost).
pub const NEAR_EXPIRY_DAYS: i64 = 90;

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_list_reads_whole() {
        let (list, problems) = read_list();
        assert_eq!(problems, Vec::<String>::new());
        assert!(list.len() >= 60);
        let amoxicillin = find("amoxicillin_250_dt").expect("amoxicillin");
        assert_eq!(amoxicillin.form(), DoseForm::DispersibleTablet);
        assert_eq!(amoxicillin.unit(), StockUnit::Tablet);
        let mut codes: Vec<&str> = list.iter().map(|m| m.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), list.len(), "codes are unique");
    }

    #[test]
    fn dispensing_takes_the_first_expiry_first_and_never_below_zero() {
        let today = date!(2026 - 05 - 01);
        let batches = [
            BatchOnHand {
                batch: 'a',
                expires_on: date!(2027 - 01 - 01),
                on_hand: 100,
            },
            BatchOnHand {
                batch: 'b',
                expires_on: date!(2026 - 06 - 01),
                on_hand: 30,
            },
            BatchOnHand {
                batch: 'x',
                expires_on: date!(2026 - 04 - 30),
                on_hand: 500,
            },
            BatchOnHand {
                batch: 'z',
                expires_on: date!(2026 - 07 - 01),
                on_hand: 0,
            },
        ];
        let check = |quantity: i64, expected: Result<Vec<(char, i64)>, Shortfall>| {
            assert_eq!(
                plan_dispense(&batches, quantity, today),
                expected,
                "{quantity}"
            );
        };
        check(10, Ok(vec![('b', 10)]));
        check(30, Ok(vec![('b', 30)]));
        check(45, Ok(vec![('b', 30), ('a', 15)]));
        check(130, Ok(vec![('b', 30), ('a', 100)]));
        // The expired batch's 500 do not count.
        check(131, Err(Shortfall { available: 130 }));
        check(0, Err(Shortfall { available: 130 }));
    }

    #[test]
    fn prescriptions_name_every_wrong_field() {
        let ok = Prescription::parse(&PrescriptionInput {
            medicine: "paracetamol_500_tab",
            dose: "1 tablet",
            route: "oral",
            frequency: "qds",
            duration_days: "3",
            quantity: "12",
            instructions: "",
        })
        .expect("valid");
        assert_eq!(ok.quantity(), 12);
        let bad = Prescription::parse(&PrescriptionInput {
            medicine: "snake_oil",
            quantity: "0",
            duration_days: "400",
            ..Default::default()
        });
        assert_eq!(
            bad,
            Err(vec![
                ("medicine", ClinicError::UnknownMedicine),
                ("dose", ClinicError::Required),
                ("route", ClinicError::ChooseOption),
                ("frequency", ClinicError::ChooseOption),
                ("duration_days", ClinicError::BadDuration),
                ("quantity", ClinicError::BadQuantity),
            ])
        );
    }

    #[test]
    fn stock_changes_parse_by_kind() {
        let today = date!(2026 - 05 - 01);
        assert_eq!(
            Receipt::parse("ors_sachet", "B1", "2026-04-01", "100", today).map(|_| ()),
            Err(vec![("expires_on", ClinicError::BatchExpired)])
        );
        let count = StockChange::parse("count", "40", "", "").expect("a count");
        assert_eq!(count.delta(50), -10);
        let adjustment =
            StockChange::parse("adjustment", "-5", "damaged", "rain").expect("adjustment");
        assert_eq!(adjustment.delta(50), -5);
        assert_eq!(
            StockChange::parse("adjustment", "0", "", ""),
            Err(vec![
                ("quantity", ClinicError::BadAdjustment),
                ("reason", ClinicError::ChooseOption)
            ])
        );
        assert_eq!(
            StockChange::parse("theft", "1", "", ""),
            Err(vec![("kind", ClinicError::ChooseOption)])
        );
    }
}
