//! Tests of the pages and API of child safeguarding: reporting and responding, sealed from every other role (issue 7).
