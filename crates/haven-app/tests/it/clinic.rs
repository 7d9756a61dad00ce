//! haven-app tests of the clinic part: tables of cases, action x caller x target.
