//! # roster
//!
//! A roster optimizer: employees, shift demand and labour rules in (schema-validated JSON),
//! the best roster it can prove out — a MILP on HiGHS with affinity scores as objective
//! weights, construction heuristics as methods and warm starts, and an independent checker.
//!
//! ```no_run
//! let text = std::fs::read_to_string("instances/demo.json").unwrap();
//! let problem = roster::input::load_request(&text).unwrap();
//! let solution = roster::solve::solve(&problem, &Default::default()).unwrap();
//! assert!(solution.status.has_roster());
//! ```
#![warn(missing_docs)]

pub mod bench;
pub mod check;
pub mod constraints;
pub mod decompose;
pub mod domain;
pub mod generate;
pub mod heuristics;
pub mod import;
pub mod incremental;
pub mod input;
pub mod model;
pub mod output;
pub mod scoring;
pub mod solve;
pub mod tasks;

#[cfg(test)]
pub(crate) mod testkit;
