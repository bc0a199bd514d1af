//! Importers for public benchmark formats: each turns a file written by others into our own
//! schema-validated request, so benchmarks run through exactly the engine, the catalog and
//! the checker that planners use.

pub mod curtois;
pub mod gap;

pub use curtois::{parse_curtois, CurtoisError, CurtoisInstance};
pub use gap::{gap_request, parse_gap, GapError, GapInstance, GapSense};
