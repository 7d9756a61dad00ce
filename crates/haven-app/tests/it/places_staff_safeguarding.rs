//! haven-app tests of the places_staff_safeguarding part: tables of cases, action x caller x target.
