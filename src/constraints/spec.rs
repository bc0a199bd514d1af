//! The catalog specs, embedded from `constraints/*.json` at build time.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::{RuleId, Scope};

/// A catalog entry as written in `constraints/<id>.json`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleSpec {
    /// Catalog id (`"C2"`).
    pub id: String,
    /// Human name.
    pub name: String,
    /// `per-employee` or `coupling`.
    pub scope: String,
    /// Active when the request does not mention it.
    pub default_enabled: bool,
    /// Hard when the request does not say.
    pub default_hard: bool,
    /// Whether the rule may be made soft.
    pub can_be_soft: bool,
    /// Soft penalty per unit when the request gives no weight.
    pub default_weight: f64,
    /// What one unit of soft violation is.
    pub soft_unit: String,
    /// What the rule means, precisely.
    pub meaning: String,
    /// JSON Schema of the `params` object, with defaults.
    pub parameters: serde_json::Value,
}

const SOURCES: [(&str, &str); 13] = [
    ("C1", include_str!("../../constraints/C1.json")),
    ("C2", include_str!("../../constraints/C2.json")),
    ("C3", include_str!("../../constraints/C3.json")),
    ("C4", include_str!("../../constraints/C4.json")),
    ("C5", include_str!("../../constraints/C5.json")),
    ("C6", include_str!("../../constraints/C6.json")),
    ("C7", include_str!("../../constraints/C7.json")),
    ("C8", include_str!("../../constraints/C8.json")),
    ("C9", include_str!("../../constraints/C9.json")),
    ("C10", include_str!("../../constraints/C10.json")),
    ("C11", include_str!("../../constraints/C11.json")),
    ("C12", include_str!("../../constraints/C12.json")),
    ("C13", include_str!("../../constraints/C13.json")),
];

/// Every catalog entry, in id order.
pub fn catalog() -> &'static [RuleSpec] {
    static CATALOG: OnceLock<Vec<RuleSpec>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        SOURCES
            .iter()
            .map(|(id, src)| {
                let spec: RuleSpec = serde_json::from_str(src)
                    .unwrap_or_else(|e| panic!("constraints/{id}.json is not a valid spec: {e}"));
                assert_eq!(spec.id, *id, "constraints/{id}.json has a different id");
                spec
            })
            .collect()
    })
}

impl RuleSpec {
    /// The typed id.
    pub fn rule_id(&self) -> RuleId {
        RuleId::parse(&self.id).expect("catalog ids are known")
    }

    /// The declared scope.
    pub fn scope(&self) -> Scope {
        if self.scope == "coupling" {
            Scope::Coupling
        } else {
            Scope::PerEmployee
        }
    }

    /// The spec of a rule.
    pub fn of(id: RuleId) -> &'static RuleSpec {
        catalog()
            .iter()
            .find(|s| s.id == id.as_str())
            .expect("every rule id has a spec")
    }

    /// `params` with every default filled in, overridden by `given`.
    pub fn resolve_params(&self, given: Option<&serde_json::Value>) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        if let Some(props) = self
            .parameters
            .get("properties")
            .and_then(|p| p.as_object())
        {
            for (k, v) in props {
                if let Some(d) = v.get("default") {
                    out.insert(k.clone(), d.clone());
                }
            }
        }
        if let Some(serde_json::Value::Object(g)) = given {
            for (k, v) in g {
                out.insert(k.clone(), v.clone());
            }
        }
        serde_json::Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_parses_and_scope_matches_the_rule() {
        for spec in catalog() {
            let id = spec.rule_id();
            let params = spec.resolve_params(None);
            let mode = if spec.default_hard {
                super::super::Mode::Hard
            } else {
                super::super::Mode::Soft {
                    weight: spec.default_weight,
                }
            };
            let set = super::super::RuleSet::from_parts(vec![(id, mode, params)])
                .unwrap_or_else(|e| panic!("{id}: defaults do not build the rule: {e}"));
            assert_eq!(set.get(id).unwrap().scope(), spec.scope(), "{id} scope");
            // Parameter schemas compile.
            jsonschema::validator_for(&spec.parameters)
                .unwrap_or_else(|e| panic!("{id}: parameter schema invalid: {e}"));
        }
    }
}
