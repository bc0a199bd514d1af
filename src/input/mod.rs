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

pub(crate) use validate::locked_history;
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
///
/// Schema and semantic errors are reported together whenever the document still has the
/// request's shape (e.g. a negative number where a positive one is required), so a planner
/// fixes everything in one round.
pub fn request_from_value(value: &serde_json::Value) -> Result<Problem, InputErrors> {
    validate_document(value, REQUEST_SCHEMA, "roster request", build_problem)
}

/// The two phases for any request kind: every schema violation, then — whenever the document
/// still has the request's shape — every semantic error of `build`, reported together.
///
/// What the schema rejected is dropped (deepest first) before the raw serde type `R` is read,
/// so the rest can still be checked; semantic errors about a dropped value (or inside it) are
/// artifacts of dropping it and are filtered out. An unknown key drops nothing: a stray
/// top-level key must not hide the semantic errors of the whole document.
pub(crate) fn validate_document<R, P>(
    value: &serde_json::Value,
    schema: &str,
    document: &'static str,
    build: impl FnOnce(&R) -> Result<P, Vec<InputError>>,
) -> Result<P, InputErrors>
where
    R: serde::de::DeserializeOwned,
{
    let mut errors = schema_errors(schema, value);
    let mut normalised = whole_numbers_as_integers(value);
    // Unknown keys are ignored by serde and leave nothing behind to drop.
    let mut dropped: Vec<String> = errors
        .iter()
        .filter(|e| e.rule != "additionalProperties")
        .map(|e| e.pointer.clone())
        .collect();
    dropped.sort_by_key(|p| std::cmp::Reverse(p.len()));
    dropped.dedup();
    for ptr in &dropped {
        drop_value(&mut normalised, ptr);
    }
    let raw: R = match serde_path_to_error::deserialize(&normalised) {
        Ok(raw) => raw,
        Err(e) => {
            if errors.is_empty() {
                errors.push(InputError {
                    pointer: pointer_of(e.path()),
                    rule: "type".into(),
                    value: None,
                    message: e.inner().to_string(),
                });
            }
            return Err(InputErrors { document, errors });
        }
    };
    match build(&raw) {
        Ok(p) if errors.is_empty() => Ok(p),
        Ok(_) => Err(InputErrors { document, errors }),
        Err(semantic) => {
            let artifact = |e: &InputError| {
                dropped
                    .iter()
                    .any(|d| e.pointer == *d || e.pointer.starts_with(&format!("{d}/")))
            };
            errors.extend(semantic.into_iter().filter(|e| !artifact(e)));
            Err(InputErrors { document, errors })
        }
    }
}

/// Remove the value at a JSON pointer from its parent object (array items are nulled only
/// when the parent is an object field; items of arrays are left, as removing them would shift
/// the pointers of the others).
fn drop_value(doc: &mut serde_json::Value, pointer: &str) {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return;
    };
    if let Some(serde_json::Value::Object(map)) = doc.pointer_mut(parent) {
        map.remove(&key.replace("~1", "/").replace("~0", "~"));
    }
}

/// JSON Schema counts `2.0` as an integer; serde does not. Turn whole floats into integers.
fn whole_numbers_as_integers(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
                Value::from(f as i64)
            } else {
                v.clone()
            }
        }
        Value::Array(a) => Value::Array(a.iter().map(whole_numbers_as_integers).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), whole_numbers_as_integers(x)))
                .collect(),
        ),
        _ => v.clone(),
    }
}

/// A serde path as a JSON pointer.
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|seg| match seg {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.replace('~', "~0").replace('/', "~1")),
            Segment::Enum { variant } => Some(variant.clone()),
            Segment::Unknown => None,
        })
        .map(|s| format!("/{s}"))
        .collect()
}
