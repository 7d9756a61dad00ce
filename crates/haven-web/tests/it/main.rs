//! haven-web's integration tests: the real router, on a fresh database per test
//! (SQLite always; PostgreSQL too when HAVEN_TEST_DATABASE_URL is set).

// A failed `expect` is how a test says "this call should have worked".
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod access;
mod api;
mod audit;
mod care;
mod clinic;
mod forms;
mod growth;
mod hardening;
mod health;
mod mch;
mod names;
mod pages;
mod people;
mod people_io;
mod places;
mod routes;
mod routes_care;
mod routes_clinic;
mod routes_growth;
mod routes_mch;
mod routes_people;
mod routes_people_io;
mod routes_places;
mod routes_safeguarding;
mod routes_staff;
mod safeguarding;
mod sessions;
mod sign_in;
mod staff;
