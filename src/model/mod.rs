//! The MILP: a solver-neutral IR built by the catalog ([`ir`]) and the HiGHS backend that
//! solves it ([`highs_backend`]).

pub mod highs_backend;
pub mod ir;
pub mod repair;

pub use highs_backend::{BackendError, Incumbent, LinearProgram, LpCol, LpRow, MilpRun, ModelSize};
pub use ir::{BuildMode, Col, ColId, ColKind, DayVar, Lin, ModelIr, Row, RowTag};
