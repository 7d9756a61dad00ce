//! haven-app tests of the mch_growth part: tables of cases, action x caller x target.
