//! haven-app tests of the care part: tables of cases, action x caller x target.
