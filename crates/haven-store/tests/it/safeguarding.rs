//! Store tests of child safeguarding: reporting and responding, sealed from every other role (issue 7).
