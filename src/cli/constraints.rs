//! `roster constraints [--json]`.

use super::EXIT_OK;

#[derive(clap::Args)]
pub struct Args {
    /// Print the full specs as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let cat = roster::constraints::catalog();
    if a.json {
        super::write_json(None, &serde_json::to_value(cat)?)?;
        return Ok(EXIT_OK);
    }
    for s in cat {
        let kind = if s.default_hard { "hard" } else { "soft" };
        let on = if s.default_enabled { "on" } else { "off" };
        println!(
            "{}  {}  [{}, {} by default, {}]",
            s.id, s.name, s.scope, kind, on
        );
        println!("    {}", s.meaning);
        if let Some(props) = s.parameters.get("properties").and_then(|p| p.as_object()) {
            for (k, v) in props {
                println!(
                    "    - {k} (default {}): {}",
                    v.get("default")
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "none".into()),
                    v.get("description").and_then(|d| d.as_str()).unwrap_or("")
                );
            }
        }
        println!(
            "    soft unit: {} (default weight {})",
            s.soft_unit, s.default_weight
        );
        println!();
    }
    Ok(EXIT_OK)
}
