//! WHO's growth tables (L, M, S), embedded at compile time from data/growth/ and parsed once.
//!
//! The WHO Child Growth Standards (2006) are by day of age (0 to 1856 days) or by 0.1 cm of
//! length/height; the WHO 2007 growth reference (5 to 19 years) is by month of age (61 to
//! 228 months). Each table is a dense vector indexed from its first row, so a look-up is an
//! index, not a search. The sources are named in data/growth/README.md.

use std::sync::OnceLock;

use super::GrowthSex;

/// One row's L (Box-Cox power), M (median) and S (coefficient of variation).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lms {
    pub l: f64,
    pub m: f64,
    pub s: f64,
}

impl Lms {
    /// The row a fraction `t` (0 to 1) of the way from `self` to `next`: WHO interpolates
    /// L, M and S linearly between rows.
    pub fn towards(self, next: Lms, t: f64) -> Lms {
        Lms {
            l: self.l + t * (next.l - self.l),
            m: self.m + t * (next.m - self.m),
            s: self.s + t * (next.s - self.s),
        }
    }

    /// The measurement that lies `k` standard deviations from the median:
    /// SD(k) = M (1 + L S k)^(1/L), or M e^(S k) where L = 0.
    pub fn value_at(self, k: f64) -> f64 {
        if self.l == 0.0 {
            self.m * (self.s * k).exp()
        } else {
            self.m * (1.0 + self.l * self.s * k).powf(1.0 / self.l)
        }
    }
}

/// The WHO tables this module ships.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Table {
    /// 2006 standards, by day.
    WeightForAge,
    LengthHeightForAge,
    BmiForAge,
    HeadCircumferenceForAge,
    MuacForAge,
    TricepsForAge,
    SubscapularForAge,
    /// 2006 standards, by 0.1 cm.
    WeightForLength,
    WeightForHeight,
    /// 2007 reference, by month.
    Reference2007WeightForAge,
    Reference2007HeightForAge,
    Reference2007BmiForAge,
}

impl Table {
    pub const ALL: &'static [Table] = &[
        Table::WeightForAge,
        Table::LengthHeightForAge,
        Table::BmiForAge,
        Table::HeadCircumferenceForAge,
        Table::MuacForAge,
        Table::TricepsForAge,
        Table::SubscapularForAge,
        Table::WeightForLength,
        Table::WeightForHeight,
        Table::Reference2007WeightForAge,
        Table::Reference2007HeightForAge,
        Table::Reference2007BmiForAge,
    ];

    fn source(self) -> &'static str {
        match self {
            Table::WeightForAge => WHO2006_WFA,
            Table::LengthHeightForAge => WHO2006_LHFA,
            Table::BmiForAge => WHO2006_BFA,
            Table::HeadCircumferenceForAge => WHO2006_HCFA,
            Table::MuacForAge => WHO2006_ACFA,
            Table::TricepsForAge => WHO2006_TSFA,
            Table::SubscapularForAge => WHO2006_SSFA,
            Table::WeightForLength => WHO2006_WFL,
            Table::WeightForHeight => WHO2006_WFH,
            Table::Reference2007WeightForAge => WHO2007_WFA,
            Table::Reference2007HeightForAge => WHO2007_HFA,
            Table::Reference2007BmiForAge => WHO2007_BFA,
        }
    }

    /// How the first column counts: days, tenths of a centimetre, or months.
    fn step(self) -> Step {
        match self {
            Table::WeightForLength | Table::WeightForHeight => Step::TenthCm,
            Table::Reference2007WeightForAge
            | Table::Reference2007HeightForAge
            | Table::Reference2007BmiForAge => Step::Month,
            _ => Step::Day,
        }
    }

    /// WHO's restricted tails apply to every indicator but length/height-for-age and
    /// head circumference (the spec's list; the 2007 reference does the same for
    /// weight and BMI, not height).
    pub fn restricted_tails(self) -> bool {
        !matches!(
            self,
            Table::LengthHeightForAge
                | Table::HeadCircumferenceForAge
                | Table::Reference2007HeightForAge
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Day,
    TenthCm,
    Month,
}

/// One sex's rows of one table, from `first` (in the table's unit: day, tenth of a cm,
/// month) upwards with no gaps.
#[derive(Debug)]
pub struct Rows {
    first: u32,
    rows: Vec<Lms>,
}

impl Rows {
    /// The first and last key, in the table's unit.
    pub fn range(&self) -> (u32, u32) {
        (self.first, self.first + self.rows.len() as u32 - 1)
    }

    /// The row at `key` (a day, a tenth of a cm or a month), if the table has it.
    pub fn get(&self, key: u32) -> Option<Lms> {
        key.checked_sub(self.first)
            .and_then(|i| self.rows.get(i as usize))
            .copied()
    }

    /// L, M and S at a point between rows, interpolated linearly; `None` outside the table.
    /// `position` is in the table's unit (3.4 = 40 % of the way from row 3 to row 4).
    pub fn between(&self, position: f64) -> Option<Lms> {
        let (first, last) = self.range();
        // A hair of tolerance so that 84.8 cm (848.0000001 tenths) is the row 848.
        let position = (position * 1e6).round() / 1e6;
        if !(f64::from(first)..=f64::from(last)).contains(&position) {
            return None;
        }
        let low = position.floor();
        let below = self.get(low as u32)?;
        let t = position - low;
        if t == 0.0 {
            return Some(below);
        }
        let above = self.get(low as u32 + 1)?;
        Some(below.towards(above, t))
    }

    /// Every row with its key.
    pub fn iter(&self) -> impl Iterator<Item = (u32, Lms)> + '_ {
        self.rows
            .iter()
            .enumerate()
            .map(|(i, lms)| (self.first + i as u32, *lms))
    }
}

/// All of WHO's tables, parsed.
#[derive(Debug)]
pub struct GrowthTables {
    tables: Vec<(Table, [Rows; 2])>,
}

impl GrowthTables {
    /// The tables, parsed on first use. Start-up calls this once so that no request pays.
    pub fn get() -> &'static GrowthTables {
        static TABLES: OnceLock<GrowthTables> = OnceLock::new();
        TABLES.get_or_init(GrowthTables::parse_all)
    }

    /// Parses every embedded table afresh (what [`GrowthTables::get`] does once; the
    /// benchmark times it).
    pub fn parse_all() -> GrowthTables {
        let tables = Table::ALL
            .iter()
            .map(|&table| (table, parse(table)))
            .collect();
        GrowthTables { tables }
    }

    /// One sex's rows of a table.
    pub fn rows(&self, table: Table, sex: GrowthSex) -> &Rows {
        // Every table in Table::ALL is parsed in `get`, so the look-up always succeeds; the
        // index is by position to keep this free of a panic path.
        let index = Table::ALL.iter().position(|t| *t == table).unwrap_or(0);
        let (_, by_sex) = &self.tables[index];
        match sex {
            GrowthSex::Male => &by_sex[0],
            GrowthSex::Female => &by_sex[1],
        }
    }

    /// The number of rows held, all tables and both sexes.
    pub fn row_count(&self) -> usize {
        self.tables
            .iter()
            .map(|(_, [m, f])| m.rows.len() + f.rows.len())
            .sum()
    }
}

macro_rules! growth_csv {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/growth/",
            $name
        ))
    };
}

const WHO2006_WFA: &str = growth_csv!("who2006_wfa.csv");
const WHO2006_LHFA: &str = growth_csv!("who2006_lhfa.csv");
const WHO2006_BFA: &str = growth_csv!("who2006_bfa.csv");
const WHO2006_HCFA: &str = growth_csv!("who2006_hcfa.csv");
const WHO2006_ACFA: &str = growth_csv!("who2006_acfa.csv");
const WHO2006_TSFA: &str = growth_csv!("who2006_tsfa.csv");
const WHO2006_SSFA: &str = growth_csv!("who2006_ssfa.csv");
const WHO2006_WFL: &str = growth_csv!("who2006_wfl.csv");
const WHO2006_WFH: &str = growth_csv!("who2006_wfh.csv");
const WHO2007_WFA: &str = growth_csv!("who2007_wfa.csv");
const WHO2007_HFA: &str = growth_csv!("who2007_hfa.csv");
const WHO2007_BFA: &str = growth_csv!("who2007_bfa.csv");

/// Reads one embedded table: a header, then `sex,key,l,m,s` with sex 1 = male and
/// 2 = female, keys ascending without gaps. The files are checked by the tests below and
/// made by data/growth/make_tables.py; a malformed row is skipped rather than panicking,
/// and the tests would fail on it.
fn parse(table: Table) -> [Rows; 2] {
    let step = table.step();
    let mut male = Rows {
        first: u32::MAX,
        rows: Vec::new(),
    };
    let mut female = Rows {
        first: u32::MAX,
        rows: Vec::new(),
    };
    for line in table.source().lines().skip(1) {
        let mut cells = line.split(',');
        let (Some(sex), Some(key), Some(l), Some(m), Some(s)) = (
            cells.next(),
            cells.next(),
            cells.next(),
            cells.next(),
            cells.next(),
        ) else {
            continue;
        };
        let key = match step {
            Step::Day | Step::Month => key.parse::<u32>().ok(),
            Step::TenthCm => key.parse::<f64>().ok().map(|cm| (cm * 10.0).round() as u32),
        };
        let (Some(key), Ok(l), Ok(m), Ok(s)) = (key, l.parse(), m.parse(), s.parse()) else {
            continue;
        };
        let rows = if sex == "1" { &mut male } else { &mut female };
        if rows.rows.is_empty() {
            rows.first = key;
        }
        rows.rows.push(Lms { l, m, s });
    }
    [male, female]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (table, sex, first key, last key, first row's L M S, last row's L M S): each table's
    /// edge rows as WHO publishes them (make_tables.py checked the files against a second
    /// copy of WHO's tables; these pin the files' ends).
    #[allow(clippy::type_complexity)]
    const EDGES: &[(Table, GrowthSex, u32, u32, [f64; 3], [f64; 3])] = &[
        (
            Table::WeightForAge,
            GrowthSex::Male,
            0,
            1856,
            [0.3487, 3.3464, 0.14602],
            [-0.1534, 18.4968, 0.1358],
        ),
        (
            Table::WeightForAge,
            GrowthSex::Female,
            0,
            1856,
            [0.3809, 3.2322, 0.14171],
            [-0.3531, 18.389, 0.14892],
        ),
        (
            Table::LengthHeightForAge,
            GrowthSex::Male,
            0,
            1856,
            [1.0, 49.8842, 0.03795],
            [1.0, 110.4969, 0.04226],
        ),
        (
            Table::HeadCircumferenceForAge,
            GrowthSex::Male,
            0,
            1856,
            [1.0, 34.4618, 0.03686],
            [1.0, 50.7752, 0.02948],
        ),
        (
            Table::HeadCircumferenceForAge,
            GrowthSex::Female,
            0,
            1856,
            [1.0, 33.8787, 0.03496],
            [1.0, 49.9652, 0.02848],
        ),
        (
            Table::MuacForAge,
            GrowthSex::Male,
            91,
            1856,
            [0.3933, 13.4779, 0.07474],
            [-0.405, 16.5506, 0.08652],
        ),
        (
            Table::TricepsForAge,
            GrowthSex::Female,
            91,
            1856,
            [0.1882, 9.7533, 0.17525],
            [-0.2372, 8.8528, 0.26008],
        ),
        (
            Table::SubscapularForAge,
            GrowthSex::Male,
            91,
            1856,
            [-0.303, 7.692, 0.17019],
            [-1.029, 5.352, 0.19283],
        ),
        (
            Table::WeightForLength,
            GrowthSex::Male,
            450,
            1100,
            [-0.3521, 2.441, 0.09182],
            [-0.3521, 18.2689, 0.08755],
        ),
        (
            Table::WeightForHeight,
            GrowthSex::Female,
            650,
            1200,
            [-0.3833, 7.2402, 0.09113],
            [-0.3833, 22.8173, 0.09828],
        ),
        (
            Table::Reference2007HeightForAge,
            GrowthSex::Male,
            61,
            228,
            [1.0, 110.2647, 0.04164],
            [1.0, 176.5432, 0.04134],
        ),
        (
            Table::Reference2007WeightForAge,
            GrowthSex::Male,
            61,
            120,
            [-0.2026, 18.5057, 0.12988],
            [-0.6764, 31.1586, 0.16305],
        ),
        (
            Table::Reference2007BmiForAge,
            GrowthSex::Female,
            61,
            228,
            [-0.8886, 15.2441, 0.09692],
            [-0.7496, 21.4269, 0.14441],
        ),
    ];

    #[test]
    fn each_table_starts_and_ends_on_whos_edge_rows() {
        let tables = GrowthTables::get();
        for &(table, sex, first, last, lms_first, lms_last) in EDGES {
            let rows = tables.rows(table, sex);
            assert_eq!(rows.range(), (first, last), "{table:?} {sex:?}");
            let [l, m, s] = lms_first;
            assert_eq!(
                rows.get(first),
                Some(Lms { l, m, s }),
                "{table:?} {sex:?} first"
            );
            let [l, m, s] = lms_last;
            assert_eq!(
                rows.get(last),
                Some(Lms { l, m, s }),
                "{table:?} {sex:?} last"
            );
            assert_eq!(rows.get(last + 1), None);
            assert_eq!(first.checked_sub(1).and_then(|k| rows.get(k)), None);
        }
    }

    #[test]
    fn every_table_is_complete_for_both_sexes() {
        let tables = GrowthTables::get();
        for &table in Table::ALL {
            let male = tables.rows(table, GrowthSex::Male).range();
            let female = tables.rows(table, GrowthSex::Female).range();
            assert_eq!(male, female, "{table:?}");
            for sex in [GrowthSex::Male, GrowthSex::Female] {
                for (_, lms) in tables.rows(table, sex).iter() {
                    assert!(lms.m > 0.0 && lms.s > 0.0, "{table:?} {lms:?}");
                }
            }
        }
        // 9 tables of the standards and 3 of the reference, two sexes each.
        assert_eq!(
            tables.row_count(),
            3714 * 4 + 3532 * 3 + 1302 + 1102 + 336 * 2 + 120
        );
    }

    #[test]
    fn rows_interpolate_between_tenths() {
        let rows = GrowthTables::get().rows(Table::WeightForLength, GrowthSex::Female);
        let low = rows.get(848).unwrap();
        let high = rows.get(849).unwrap();
        let mid = rows.between(848.5).unwrap();
        assert!((mid.m - (low.m + high.m) / 2.0).abs() < 1e-12);
        assert_eq!(rows.between(848.0000000001), Some(low));
        assert_eq!(rows.between(1100.0), rows.get(1100));
        assert_eq!(rows.between(1100.01), None);
        assert_eq!(rows.between(449.99), None);
    }
}
