//! Case management as a pure state machine: the steps a child's or a family's case
//! goes through (spec: "Case management steps"), and which step may follow which.

use super::CareError;

coded_enum! {
    /// The step a case is at. A closed case can be reopened.
    CareCaseState {
        Identification => "identification",
        Assessment => "assessment",
        CasePlan => "case_plan",
        Implementation => "implementation",
        FollowUp => "follow_up",
        Closure => "closure",
        Reopened => "reopened",
    }
}

impl CareCaseState {
    /// The step every new case starts at.
    pub const START: CareCaseState = CareCaseState::Identification;

    /// The steps that may follow this one. The order of the spec, with two ways
    /// back: follow-up may go back to implementation (more work) or to the case plan
    /// (a new plan); any open case may be closed; only a closed case is reopened, and
    /// a reopened case is assessed (or planned) again.
    pub fn next_states(self) -> &'static [CareCaseState] {
        use CareCaseState::*;
        match self {
            Identification => &[Assessment, Closure],
            Assessment => &[CasePlan, Closure],
            CasePlan => &[Implementation, Closure],
            Implementation => &[FollowUp, Closure],
            FollowUp => &[Implementation, CasePlan, Closure],
            Closure => &[Reopened],
            Reopened => &[Assessment, CasePlan, Closure],
        }
    }

    pub fn is_closed(self) -> bool {
        self == CareCaseState::Closure
    }

    /// The step after `self` when the user asks for `to`, or why not.
    pub fn transition(self, to: CareCaseState) -> Result<CareCaseState, CareError> {
        if self.next_states().contains(&to) {
            Ok(to)
        } else {
            Err(CareError::TransitionNotAllowed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CareCaseState::{self, *};
    use proptest::prelude::*;

    #[test]
    fn the_steps_follow_the_spec_and_closed_cases_only_reopen() {
        let check = |from: CareCaseState, to: CareCaseState, ok: bool| {
            assert_eq!(from.transition(to).is_ok(), ok, "{from:?} -> {to:?}");
        };
        check(Identification, Assessment, true);
        check(Assessment, CasePlan, true);
        check(CasePlan, Implementation, true);
        check(Implementation, FollowUp, true);
        check(FollowUp, Closure, true);
        check(Closure, Reopened, true);
        check(Reopened, Assessment, true);
        check(FollowUp, Implementation, true);
        check(Identification, Implementation, false);
        check(Identification, Reopened, false);
        check(Closure, Assessment, false);
        check(Closure, Closure, false);
        check(Assessment, Assessment, false);
    }

    fn state() -> impl Strategy<Value = CareCaseState> {
        (0..CareCaseState::ALL.len()).prop_map(|i| CareCaseState::ALL[i])
    }

    proptest! {
        /// `transition` answers exactly what `next_states` lists, and never stays put.
        #[test]
        fn transitions_are_the_listed_ones(from in state(), to in state()) {
            prop_assert_eq!(from.transition(to).is_ok(), from.next_states().contains(&to));
            prop_assert!(from.transition(from).is_err());
        }

        /// Walking any sequence of asked-for steps from the start, taking only those
        /// allowed: a case is reopened only right after closure, a closed case moves
        /// only to reopened, and every state stays reachable to closure.
        #[test]
        fn any_walk_keeps_the_rules(asks in proptest::collection::vec(state(), 0..60)) {
            let mut current = CareCaseState::START;
            for ask in asks {
                if let Ok(next) = current.transition(ask) {
                    if next == Reopened {
                        prop_assert_eq!(current, Closure);
                    }
                    if current == Closure {
                        prop_assert_eq!(next, Reopened);
                    }
                    current = next;
                }
                prop_assert!(current.is_closed() || current.next_states().contains(&Closure));
            }
        }
    }
}
