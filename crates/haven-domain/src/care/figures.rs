//! Figures about children, always for girls, boys and in total (spec: "Gender").

use crate::person::Sex;

/// A count by sex. Children recorded as other or unknown count in the total only, so
/// girls + boys may be less than the total, and the page says so.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BySex {
    pub girls: i64,
    pub boys: i64,
    pub total: i64,
}

impl BySex {
    pub fn add(&mut self, sex: Sex, count: i64) {
        match sex {
            Sex::Female => self.girls += count,
            Sex::Male => self.boys += count,
            Sex::Other | Sex::Unknown => {}
        }
        self.total += count;
    }

    /// Counts the sexes given.
    pub fn of(sexes: impl IntoIterator<Item = Sex>) -> BySex {
        let mut figure = BySex::default();
        for sex in sexes {
            figure.add(sex, 1);
        }
        figure
    }

    /// This count as a share of `whole`, in whole percent for each column (`None`
    /// where the whole is zero).
    pub fn percent_of(&self, whole: &BySex) -> [Option<i64>; 3] {
        let share = |part: i64, of: i64| (of > 0).then(|| (part * 100 + of / 2) / of);
        [
            share(self.girls, whole.girls),
            share(self.boys, whole.boys),
            share(self.total, whole.total),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_sex_and_shares() {
        let all = BySex::of([Sex::Female, Sex::Female, Sex::Male, Sex::Unknown]);
        assert_eq!(
            all,
            BySex {
                girls: 2,
                boys: 1,
                total: 4
            }
        );
        let some = BySex::of([Sex::Female]);
        assert_eq!(some.percent_of(&all), [Some(50), Some(0), Some(25)]);
        assert_eq!(some.percent_of(&BySex::default()), [None, None, None]);
    }
}
