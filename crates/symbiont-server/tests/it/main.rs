//! Integration tests of the server: each test spawns the app on an ephemeral port with a fresh
//! SQLite file, and runs again against PostgreSQL when `SYMBIONT_TEST_POSTGRES_URL` is set.

mod authz;
mod cases;
mod errors;
mod fuzz;
mod harness;
mod integrity;
mod plan;
mod registry;
