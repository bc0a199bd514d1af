//! From request JSON to a validated [`Problem`], in two phases.
//!
//! 1. The JSON is checked against the embedded schema (`schemas/`); every violation is
//!    reported with its JSON pointer, the schema rule and the offending value.
//! 2. The raw serde types are checked for meaning (unknown codes, dates outside the horizon,
//!    min > max, duplicate ids, unknown rules, invalid rule parameters …) and turned into the
//!    domain. All errors are collected before giving up, so a planner fixes a file in one go.
//!
//! Raw types never leave this module.

pub mod raw;
mod validate;

use std::fmt;

use serde::Serialize;

use crate::domain::Problem;

pub use validate::{build_problem, DEFAULT_OVER_WEIGHT, DEFAULT_UNDER_WEIGHT, MAX_HORIZON_DAYS};

/// One problem with the input.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InputError {
    /// JSON pointer to the offending value (`""` for the whole document).
    pub pointer: String,
    /// The rule broken: a schema keyword (`"type"`, `"required"`, …) or a semantic rule
    /// (`"unknown-shift-code"`, `"date-outside-horizon"`, …).
    pub rule: String,
    /// The offending value, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    /// Human explanation.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{at}: [{}] {}", self.rule, self.message)?;
        if let Some(v) = &self.value {
            let s = v.to_string();
            if s.len() <= 80 {
                write!(f, " (value: {s})")?;
            } else {
                write!(f, " (value: {}…)", s.chars().take(77).collect::<String>())?;
            }
        }
        Ok(())
    }
}

/// Every problem found with an input (never empty).
#[derive(Clone, Debug, PartialEq, Serialize, thiserror::Error)]
pub struct InputErrors {
    /// Which document kind was being read.
    pub document: &'static str,
    /// The errors, in document order.
    pub errors: Vec<InputError>,
}

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "invalid {}: {} error{}",
            self.document,
            self.errors.len(),
            if self.errors.len() == 1 { "" } else { "s" }
        )?;
        for e in &self.errors {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

/// The embedded request schema.
pub const REQUEST_SCHEMA: &str = include_str!("../../schemas/roster-request.schema.json");
/// The embedded solution schema.
pub const SOLUTION_SCHEMA: &str = include_str!("../../schemas/roster-solution.schema.json");

/// Parse JSON text, reporting syntax errors with line and column.
pub fn parse_json(text: &str, document: &'static str) -> Result<serde_json::Value, InputErrors> {
    serde_json::from_str(text).map_err(|e| InputErrors {
        document,
        errors: vec![InputError {
            pointer: String::new(),
            rule: "json-syntax".into(),
            value: None,
            message: format!(
                "malformed JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
        }],
    })
}

/// Validate `value` against a JSON Schema, collecting every violation.
pub fn schema_errors(schema_text: &str, value: &serde_json::Value) -> Vec<InputError> {
    let schema: serde_json::Value =
        serde_json::from_str(schema_text).expect("embedded schemas are valid JSON");
    let validator = jsonschema::validator_for(&schema).expect("embedded schemas compile");
    validator
        .iter_errors(value)
        .map(|err| {
            let pointer = err.instance_path().to_string();
            let rule = err
                .schema_path()
                .to_string()
                .rsplit('/')
                .next()
                .unwrap_or("schema")
                .to_string();
            let value = err.instance().clone().into_owned();
            InputError {
                pointer,
                rule,
                value: Some(value),
                message: err.to_string(),
            }
        })
        .collect()
}

/// Read a roster request: JSON → schema → semantics → [`Problem`].
pub fn load_request(text: &str) -> Result<Problem, InputErrors> {
    let value = parse_json(text, "roster request")?;
    request_from_value(&value)
}

/// Like [`load_request`] from an already parsed value.
pub fn request_from_value(value: &serde_json::Value) -> Result<Problem, InputErrors> {
    let errors = schema_errors(REQUEST_SCHEMA, value);
    if !errors.is_empty() {
        return Err(InputErrors {
            document: "roster request",
            errors,
        });
    }
    let raw: raw::RawRequest = serde_json::from_value(value.clone()).map_err(|e| InputErrors {
        document: "roster request",
        errors: vec![InputError {
            pointer: String::new(),
            rule: "shape".into(),
            value: None,
            message: e.to_string(),
        }],
    })?;
    build_problem(&raw).map_err(|errors| InputErrors {
        document: "roster request",
        errors,
    })
}
