//! API tests: the real router in process, on a fresh database per test. Every scenario runs on
//! SQLite, and on PostgreSQL when `ANJU_TEST_POSTGRES_URL` is set (run with `--ignored`; `cargo
//! xtask test` does). One binary, so the server is compiled once.

mod support;

mod access_matrix;
mod accounts;
mod admin;
mod audit;
mod callbacks;
mod cases;
mod desk;
mod envelope;
mod holes;
mod messages;
mod notices;
mod notifications;
mod open311;
mod openapi;
mod photos;
mod retrofit;
mod retrofit_assessment;
mod retrofit_catalogue;
mod retrofit_contract;
mod retrofit_isolation;
mod retrofit_plan;
mod retrofit_report;
mod retrofit_settlement;
mod retrofit_works;
mod sessions;
mod static_files;
mod surveys;
mod verification;
mod write_lane;
