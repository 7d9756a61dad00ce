//! The patient chart's timeline: entries of every kind in one common shape (when,
//! kind, title, detail, link), newest first. The clinic's records are instants; those
//! of mother and child health and of growth (pregnancies and their contacts,
//! deliveries, family planning, vaccines, measurements, programme admissions) are
//! days, which [`EntryKind::is_dated`] tells apart.

use time::{Date, OffsetDateTime};

coded_enum! {
    /// The kinds of entry a chart shows, filterable one by one.
    EntryKind {
        Visit => "visit",
        Stay => "stay",
        Vitals => "vitals",
        Diagnosis => "diagnosis",
        LabResult => "lab_result",
        Prescription => "prescription",
        Dispense => "dispense",
        Referral => "referral",
        ProgressNote => "progress_note",
        Medication => "medication",
        Pregnancy => "pregnancy",
        AntenatalContact => "anc_contact",
        Delivery => "delivery",
        PostnatalContact => "pnc_contact",
        FamilyPlanning => "family_planning",
        Immunisation => "immunisation",
        Growth => "growth",
        NutritionAdmission => "nutrition_admission",
    }
}

impl EntryKind {
    /// Recorded as a day, not an instant: shown without a time of day, and placed at
    /// the start of that day (after the same day's visits, newest first).
    pub fn is_dated(self) -> bool {
        matches!(
            self,
            EntryKind::Pregnancy
                | EntryKind::AntenatalContact
                | EntryKind::Delivery
                | EntryKind::PostnatalContact
                | EntryKind::FamilyPlanning
                | EntryKind::Immunisation
                | EntryKind::Growth
                | EntryKind::NutritionAdmission
        )
    }
}

/// One entry of the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub at: OffsetDateTime,
    pub kind: EntryKind,
    /// What the entry is, already in the reader's words (a test name, a code and title).
    pub title: String,
    pub detail: String,
    /// A local path to the record, or empty.
    pub link: String,
    /// Drawn attention to: an abnormal result, a warned vital sign.
    pub flagged: bool,
}

/// Which entries to show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChartFilter {
    /// Empty: every kind.
    pub kinds: Vec<EntryKind>,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl ChartFilter {
    pub fn keeps(&self, entry: &Entry) -> bool {
        let day = entry.at.date();
        (self.kinds.is_empty() || self.kinds.contains(&entry.kind))
            && self.from.is_none_or(|from| day >= from)
            && self.to.is_none_or(|to| day <= to)
    }
}

/// Sorts entries newest first (ties by kind, so the order is stable) and keeps those
/// the filter keeps.
pub fn timeline(mut entries: Vec<Entry>, filter: &ChartFilter) -> Vec<Entry> {
    entries.retain(|e| filter.keeps(e));
    entries.sort_by(|a, b| b.at.cmp(&a.at).then(a.kind.cmp(&b.kind)));
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn entry(at: OffsetDateTime, kind: EntryKind) -> Entry {
        Entry {
            at,
            kind,
            title: String::new(),
            detail: String::new(),
            link: String::new(),
            flagged: false,
        }
    }

    #[test]
    fn newest_first_and_filtered() {
        let entries = vec![
            entry(datetime!(2026-01-01 8:00 UTC), EntryKind::Visit),
            entry(datetime!(2026-03-01 8:00 UTC), EntryKind::Diagnosis),
            entry(datetime!(2026-02-01 8:00 UTC), EntryKind::LabResult),
        ];
        let kinds = |filter: ChartFilter| -> Vec<EntryKind> {
            timeline(entries.clone(), &filter)
                .iter()
                .map(|e| e.kind)
                .collect()
        };
        assert_eq!(
            kinds(ChartFilter::default()),
            vec![EntryKind::Diagnosis, EntryKind::LabResult, EntryKind::Visit]
        );
        assert_eq!(
            kinds(ChartFilter {
                kinds: vec![EntryKind::Visit, EntryKind::LabResult],
                ..Default::default()
            }),
            vec![EntryKind::LabResult, EntryKind::Visit]
        );
        assert_eq!(
            kinds(ChartFilter {
                from: Some(date!(2026 - 01 - 15)),
                to: Some(date!(2026 - 02 - 01)),
                ..Default::default()
            }),
            vec![EntryKind::LabResult]
        );
    }
}
