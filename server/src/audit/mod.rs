//! The audit trail: the hash chain ([`chain`]) and the `anju audit verify` report.

pub mod chain;
