//! The reference curves a growth chart draws: the measurement at -3, -2, 0, +2 and +3 SD
//! (and ±1) along the chart's axis, from WHO's tables. Drawing them is the web layer's.

use super::anthro::{DAYS_PER_MONTH, FIRST_DAY_OF_REFERENCE, LAST_DAY_OF_STANDARDS};
use super::tables::{GrowthTables, Table};
use super::GrowthSex;

/// The charts Haven draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// 0-5 years from the standards; to 10 years with the 2007 reference.
    WeightForAge,
    /// 0-5 years from the standards; to 19 years with the 2007 reference.
    LengthHeightForAge,
    /// 45-120 cm (weight-for-length under 2 years, weight-for-height after).
    WeightForLengthHeight,
    /// 0-5 years from the standards; to 19 years with the 2007 reference.
    BmiForAge,
}

impl ChartKind {
    pub const ALL: &'static [ChartKind] = &[
        ChartKind::WeightForAge,
        ChartKind::LengthHeightForAge,
        ChartKind::WeightForLengthHeight,
        ChartKind::BmiForAge,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ChartKind::WeightForAge => "wfa",
            ChartKind::LengthHeightForAge => "lhfa",
            ChartKind::WeightForLengthHeight => "wflh",
            ChartKind::BmiForAge => "bfa",
        }
    }

    pub fn parse(code: &str) -> Option<ChartKind> {
        Self::ALL.iter().copied().find(|k| k.code() == code)
    }
}

/// The SD lines drawn, lowest first.
pub const SD_LINES: [i8; 7] = [-3, -2, -1, 0, 1, 2, 3];

/// One SD line: (x, y) points with x in days of age (or cm for weight-for-length/height).
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    pub sd: i8,
    pub points: Vec<(f64, f64)>,
}

/// Which span of a chart to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    /// Birth to 5 years (the standards), or 45-120 cm.
    UnderFive,
    /// 5 to 19 years (the 2007 reference; weight to 10 years).
    FiveToNineteen,
}

/// The curves of one chart, sampled every `step_days` days of the standards (monthly rows
/// of the reference; every 0.5 cm for weight-for-length/height).
pub fn reference_curves(kind: ChartKind, sex: GrowthSex, span: Span) -> Vec<Curve> {
    let tables = GrowthTables::get();
    let points = |table: Table, to_x: &dyn Fn(u32) -> f64, every: u32, last: Option<u32>| {
        let rows = tables.rows(table, sex);
        let (first, end) = rows.range();
        let end = last.map_or(end, |l| l.min(end));
        let keys: Vec<u32> = (first..=end)
            .step_by(every as usize)
            .chain(std::iter::once(end))
            .collect();
        SD_LINES
            .iter()
            .map(|&sd| Curve {
                sd,
                points: keys
                    .iter()
                    .filter_map(|&k| {
                        rows.get(k)
                            .map(|lms| (to_x(k), lms.value_at(f64::from(sd))))
                    })
                    .collect(),
            })
            .collect::<Vec<_>>()
    };
    let day = |k: u32| f64::from(k);
    let month = |k: u32| f64::from(k) * DAYS_PER_MONTH;
    let tenth = |k: u32| f64::from(k) / 10.0;
    match (kind, span) {
        (ChartKind::WeightForAge, Span::UnderFive) => {
            points(Table::WeightForAge, &day, 7, Some(LAST_DAY_OF_STANDARDS))
        }
        (ChartKind::LengthHeightForAge, Span::UnderFive) => points(
            Table::LengthHeightForAge,
            &day,
            7,
            Some(LAST_DAY_OF_STANDARDS),
        ),
        (ChartKind::BmiForAge, Span::UnderFive) => {
            points(Table::BmiForAge, &day, 7, Some(LAST_DAY_OF_STANDARDS))
        }
        (ChartKind::WeightForAge, Span::FiveToNineteen) => {
            points(Table::Reference2007WeightForAge, &month, 1, None)
        }
        (ChartKind::LengthHeightForAge, Span::FiveToNineteen) => {
            points(Table::Reference2007HeightForAge, &month, 1, None)
        }
        (ChartKind::BmiForAge, Span::FiveToNineteen) => {
            points(Table::Reference2007BmiForAge, &month, 1, None)
        }
        (ChartKind::WeightForLengthHeight, _) => {
            // Weight-for-length from 45 cm, weight-for-height from where it starts (65 cm)
            // would overlap; the chart shows length to 86.9 cm and height from 87 cm, the
            // cut WHO uses when the age is not known.
            let mut length = points(Table::WeightForLength, &tenth, 5, Some(869));
            let height = tables.rows(Table::WeightForHeight, sex);
            for curve in &mut length {
                curve.points.extend((870..=1200).step_by(5).filter_map(|k| {
                    height
                        .get(k)
                        .map(|lms| (tenth(k), lms.value_at(f64::from(curve.sd))))
                }));
            }
            length
        }
    }
}

/// Which span a child of this age belongs on.
pub fn span_for_age(age_days: u32) -> Span {
    if age_days < FIRST_DAY_OF_REFERENCE {
        Span::UnderFive
    } else {
        Span::FiveToNineteen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves_run_from_minus_3_to_plus_3_in_order() {
        for &kind in ChartKind::ALL {
            for span in [Span::UnderFive, Span::FiveToNineteen] {
                for sex in [GrowthSex::Female, GrowthSex::Male] {
                    let curves = reference_curves(kind, sex, span);
                    assert_eq!(curves.len(), 7);
                    let n = curves[0].points.len();
                    assert!(n > 20, "{kind:?} {span:?}");
                    for pair in curves.windows(2) {
                        assert_eq!(pair[1].points.len(), n);
                        for (low, high) in pair[0].points.iter().zip(&pair[1].points) {
                            assert_eq!(low.0, high.0);
                            assert!(low.1 < high.1, "{kind:?} {span:?} {low:?} {high:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_median_line_is_whos_median() {
        let curves = reference_curves(ChartKind::WeightForAge, GrowthSex::Male, Span::UnderFive);
        assert_eq!(curves[3].points[0], (0.0, 3.3464));
        let last = curves[3].points.last().unwrap();
        assert_eq!(last.0, 1856.0);
        let curves = reference_curves(
            ChartKind::LengthHeightForAge,
            GrowthSex::Male,
            Span::FiveToNineteen,
        );
        assert_eq!(curves[3].points[0], (61.0 * DAYS_PER_MONTH, 110.2647));
        // +2 SD of weight-for-length at 45 cm, boys: WHO's chart reads 3.0 kg.
        let curves = reference_curves(
            ChartKind::WeightForLengthHeight,
            GrowthSex::Male,
            Span::UnderFive,
        );
        assert_eq!(curves[5].points[0].0, 45.0);
        assert!((curves[5].points[0].1 - 3.0).abs() < 0.05);
        assert_eq!(span_for_age(1856), Span::UnderFive);
        assert_eq!(span_for_age(1857), Span::FiveToNineteen);
    }
}
