//! `roster bench`: run a set of instances — public benchmark files imported on the fly, or our
//! own requests — and report, per instance, what was proven and how far it is from the best
//! value others have published.
//!
//! Why in the library: the benchmark tests, the criterion benches and the CLI must measure the
//! same thing. Known values come from the set's own `best_known.json` (or a `best_known.csv`)
//! found beside the file or up to two folders above it, keyed by file name or stem; they are
//! never copied into the project.
//!
//! Summary figures are shifted geometric means (shift 1 s for times), the usual way MIP
//! benchmarks average times that span orders of magnitude.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use serde_json::Value;

use crate::domain::SolverConfig;
use crate::import::{gap_request, parse_curtois, parse_gap, GapSense};
use crate::input::{request_from_value, InputErrors};
use crate::output::tidy;
use crate::solve::{solve, SolveError, SolveOptions, Status};
use crate::tasks::{solve_tasks, task_request_from_value, TaskSolveOptions};

/// What kind of file an instance is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InstanceFormat {
    /// Curtois & Qu text format.
    Curtois,
    /// OR-Library GAP (one problem per file, or one instance per problem of a
    /// multi-problem file), minimised.
    Gap,
    /// Our roster request (JSON).
    RosterRequest,
    /// Our task-assignment request (JSON).
    TaskRequest,
}

/// A benchmark instance to run.
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    /// Display name (file stem).
    pub name: String,
    /// File.
    pub path: PathBuf,
    /// Detected format.
    pub format: InstanceFormat,
    /// Which problem of a multi-problem GAP file (0-based); `None` for single-problem files.
    pub problem: Option<usize>,
    /// Published value, if the set has one.
    pub known: Option<KnownValue>,
}

/// A published value for an instance.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KnownValue {
    /// Best known objective (minimisation).
    pub best: f64,
    /// Whether it is proven optimal.
    pub optimal: bool,
}

/// One instance's result.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BenchRow {
    /// Instance name.
    pub instance: String,
    /// Format.
    pub format: InstanceFormat,
    /// Employees (agents for GAP).
    pub employees: usize,
    /// Days (0 for task assignment).
    pub days: u32,
    /// MILP columns.
    pub variables: usize,
    /// MILP rows.
    pub rows: usize,
    /// Outcome.
    pub status: Status,
    /// Objective of the result.
    pub objective: Option<f64>,
    /// Best proven lower bound.
    pub best_bound: Option<f64>,
    /// Relative gap to the bound.
    pub gap_to_bound: Option<f64>,
    /// Published best value.
    pub known_best: Option<f64>,
    /// Whether the published value is proven optimal.
    pub known_optimal: Option<bool>,
    /// `(objective − known) / max(|known|, 1)`.
    pub gap_to_known: Option<f64>,
    /// Whether the independent checker confirmed the result (feasible, same objective).
    pub checked: bool,
    /// Seconds until the reported solution was found.
    pub time_to_best: Option<f64>,
    /// Seconds in all (import, build, solve, check).
    pub total_seconds: f64,
    /// Error text when the instance could not be run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Totals over a bench run.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BenchSummary {
    /// Instances run.
    pub instances: usize,
    /// Proven optimal.
    pub optimal: usize,
    /// With a solution (optimal or feasible).
    pub solved: usize,
    /// Objective equal to the published best (within 1e-6 relative).
    pub at_known_best: usize,
    /// Instances with a published value.
    pub with_known: usize,
    /// Shifted geometric mean (1 s) of total seconds.
    pub geomean_seconds: f64,
    /// Shifted geometric mean (1 s) of seconds to the best solution.
    pub geomean_time_to_best: f64,
    /// Geometric mean of `1 + gap_to_known`, minus 1, over instances with both values.
    pub geomean_gap_to_known: Option<f64>,
    /// Sum of total seconds.
    pub total_seconds: f64,
}

/// Errors before any instance runs.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// A path could not be read.
    #[error("cannot read {path}: {message}")]
    Read {
        /// Path.
        path: PathBuf,
        /// OS message.
        message: String,
    },
    /// Nothing to run.
    #[error("no instances found in {0}")]
    Empty(String),
}

/// Expand files and folders (recursively, sorted by natural name order) into instances;
/// `README*`, `*.md`, `*.csv` and `best_known.json` are skipped.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Instance>, BenchError> {
    let mut files = Vec::new();
    for p in paths {
        collect(p, &mut files)?;
    }
    let mut out = Vec::new();
    let mut known_cache: BTreeMap<PathBuf, BTreeMap<String, KnownValue>> = BTreeMap::new();
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(|e| BenchError::Read {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let Some(format) = detect(&text) else {
            continue;
        };
        let name = stem(&path);
        // An OR-Library file holds several problems: one instance each, named like the
        // split set (`gap1-0` is the first problem of `gap1.txt`), so their values are found.
        let problems = match format {
            InstanceFormat::Gap => parse_gap(&text).map_or(1, |p| p.len()),
            _ => 1,
        };
        for k in 0..problems {
            let (name, problem) = if problems > 1 {
                (format!("{name}-{k}"), Some(k))
            } else {
                (name.clone(), None)
            };
            let known = known_value(&path, &name, &mut known_cache);
            out.push(Instance {
                name,
                path: path.clone(),
                format,
                problem,
                known,
            });
        }
    }
    if out.is_empty() {
        let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(BenchError::Empty(list.join(", ")));
    }
    Ok(out)
}

fn collect(p: &Path, out: &mut Vec<PathBuf>) -> Result<(), BenchError> {
    let meta = std::fs::metadata(p).map_err(|e| BenchError::Read {
        path: p.to_path_buf(),
        message: e.to_string(),
    })?;
    if meta.is_file() {
        out.push(p.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
        .map_err(|e| BenchError::Read {
            path: p.to_path_buf(),
            message: e.to_string(),
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort_by_key(|p| natural_key(p));
    for e in entries {
        let name = e
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let skipped = name.starts_with('.')
            || name.starts_with("README")
            || name.ends_with(".md")
            || name.ends_with(".csv")
            || name == "best_known.json";
        if !skipped {
            collect(&e, out)?;
        }
    }
    Ok(())
}

/// Sort key that puts `Instance2` before `Instance10`.
fn natural_key(p: &Path) -> Vec<(String, u64)> {
    let s = p.to_string_lossy();
    let mut out = Vec::new();
    let mut text = String::new();
    let mut num: Option<u64> = None;
    for ch in s.chars() {
        if let Some(d) = ch.to_digit(10) {
            num = Some(
                num.unwrap_or(0)
                    .saturating_mul(10)
                    .saturating_add(u64::from(d)),
            );
        } else {
            if let Some(n) = num.take() {
                out.push((std::mem::take(&mut text), n));
            }
            text.push(ch);
        }
    }
    out.push((text, num.unwrap_or(0)));
    out
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Detect a file's format from its content.
pub fn detect(text: &str) -> Option<InstanceFormat> {
    let t = text.trim_start();
    if t.starts_with('{') {
        let v: Value = serde_json::from_str(t).ok()?;
        return Some(if v.get("tasks").is_some() {
            InstanceFormat::TaskRequest
        } else {
            InstanceFormat::RosterRequest
        });
    }
    if t.contains("SECTION_HORIZON") {
        return Some(InstanceFormat::Curtois);
    }
    let all_integers = !t.is_empty() && t.split_whitespace().all(|w| w.parse::<i64>().is_ok());
    all_integers.then_some(InstanceFormat::Gap)
}

/// The set's published value for `name`, from a `best_known.json` beside the file or up to
/// two folders above it (keyed by file name or stem), or a `best_known.csv` (`instance,value`
/// or `instance,value,optimal`).
fn known_value(
    path: &Path,
    name: &str,
    cache: &mut BTreeMap<PathBuf, BTreeMap<String, KnownValue>>,
) -> Option<KnownValue> {
    let file_name = path.file_name()?.to_string_lossy().into_owned();
    let mut dir = path.parent();
    for _ in 0..3 {
        let d = dir?;
        let table = cache
            .entry(d.to_path_buf())
            .or_insert_with(|| read_known(d));
        if let Some(k) = table.get(&file_name).or_else(|| table.get(name)) {
            return Some(*k);
        }
        dir = d.parent();
    }
    None
}

fn read_known(dir: &Path) -> BTreeMap<String, KnownValue> {
    let mut out = BTreeMap::new();
    if let Ok(text) = std::fs::read_to_string(dir.join("best_known.json")) {
        if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&text) {
            for (k, v) in map {
                let best = v
                    .get("best_known")
                    .or_else(|| v.get("bestKnown"))
                    .and_then(Value::as_f64);
                let sense_max = v.get("sense").and_then(Value::as_str) == Some("max");
                if let (Some(best), false) = (best, sense_max) {
                    let optimal = v.get("optimal").and_then(Value::as_bool).unwrap_or(false);
                    out.insert(k, KnownValue { best, optimal });
                }
            }
        }
    } else if let Ok(text) = std::fs::read_to_string(dir.join("best_known.csv")) {
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split(',').map(str::trim).collect();
            if let (Some(k), Some(Ok(best))) = (f.first(), f.get(1).map(|s| s.parse::<f64>())) {
                let optimal = f.get(2).is_some_and(|s| s.eq_ignore_ascii_case("true"));
                out.insert(k.to_string(), KnownValue { best, optimal });
            }
        }
    }
    out
}

/// Options of a bench run.
#[derive(Clone, Debug)]
pub struct BenchOptions {
    /// Per-instance HiGHS time limit (overrides the request's).
    pub time_limit_seconds: Option<f64>,
    /// HiGHS threads (overrides the request's).
    pub threads: Option<u32>,
    /// Formulation (overrides the request's `solverConfig.strategy`).
    pub strategy: Option<crate::domain::Strategy>,
}

/// The request an instance stands for (public formats imported).
pub fn request_of(inst: &Instance) -> Result<Value, String> {
    let text = std::fs::read_to_string(&inst.path).map_err(|e| e.to_string())?;
    match inst.format {
        InstanceFormat::Curtois => parse_curtois(&text)
            .map(|i| i.to_request(&inst.name))
            .map_err(|e| e.to_string()),
        InstanceFormat::RosterRequest | InstanceFormat::TaskRequest => {
            serde_json::from_str(&text).map_err(|e| e.to_string())
        }
        InstanceFormat::Gap => {
            let problems = parse_gap(&text).map_err(|e| e.to_string())?;
            let k = inst.problem.unwrap_or(0);
            let p = problems.get(k).ok_or_else(|| {
                format!("the file holds {} problems, not {}", problems.len(), k + 1)
            })?;
            Ok(gap_request(p, &inst.name, GapSense::Min))
        }
    }
}

/// Run one instance.
pub fn run_instance(inst: &Instance, opts: &BenchOptions) -> BenchRow {
    let t0 = Instant::now();
    let mut row = BenchRow {
        instance: inst.name.clone(),
        format: inst.format,
        employees: 0,
        days: 0,
        variables: 0,
        rows: 0,
        status: Status::NoSolution,
        objective: None,
        best_bound: None,
        gap_to_bound: None,
        known_best: inst.known.map(|k| k.best),
        known_optimal: inst.known.map(|k| k.optimal),
        gap_to_known: None,
        checked: false,
        time_to_best: None,
        total_seconds: 0.0,
        error: None,
    };
    let run = match inst.format {
        InstanceFormat::Gap | InstanceFormat::TaskRequest => run_tasks(inst, opts, &mut row),
        InstanceFormat::Curtois | InstanceFormat::RosterRequest => run_roster(inst, opts, &mut row),
    };
    if let Err(e) = run {
        row.error = Some(e);
    }
    if let (Some(o), Some(k)) = (row.objective, row.known_best) {
        row.gap_to_known = Some((o - k) / k.abs().max(1.0));
    }
    row.total_seconds = t0.elapsed().as_secs_f64();
    row
}

fn run_roster(inst: &Instance, opts: &BenchOptions, row: &mut BenchRow) -> Result<(), String> {
    let request = request_of(inst)?;
    let mut problem = request_from_value(&request).map_err(|e: InputErrors| e.to_string())?;
    opts.apply(&mut problem.config);
    row.employees = problem.employees.len();
    row.days = problem.horizon.days;
    let sol = solve(&problem, &SolveOptions::default()).map_err(|e: SolveError| e.to_string())?;
    row.status = sol.status;
    row.objective = sol.objective.map(tidy);
    row.best_bound = sol.best_bound.map(tidy);
    row.gap_to_bound = sol.gap.map(tidy);
    row.time_to_best = sol.time_to_best_seconds;
    if let Some(m) = &sol.milp {
        row.variables = m.model.columns;
        row.rows = m.model.rows;
    }
    if let Some(d) = &sol.decomposition {
        // The master's size: schedule columns, coupling + convexity rows.
        row.variables = d.columns;
        row.rows = d.master_rows;
    }
    row.checked = confirmed(
        sol.check.as_ref().map(|c| (c.feasible, c.objective)),
        sol.objective,
    );
    Ok(())
}

/// A task request (GAP imported): employees are the agents, no days.
fn run_tasks(inst: &Instance, opts: &BenchOptions, row: &mut BenchRow) -> Result<(), String> {
    let request = request_of(inst)?;
    let mut problem = task_request_from_value(&request).map_err(|e| e.to_string())?;
    opts.apply(&mut problem.config);
    row.employees = problem.employees.len();
    let sol = solve_tasks(&problem, &TaskSolveOptions::default()).map_err(|e| e.to_string())?;
    row.status = sol.status;
    row.objective = sol.objective.map(tidy);
    row.best_bound = sol.best_bound.map(tidy);
    row.gap_to_bound = sol.gap.map(tidy);
    row.time_to_best = sol.time_to_best_seconds;
    if let Some(m) = &sol.milp {
        row.variables = m.model.columns;
        row.rows = m.model.rows;
    }
    row.checked = confirmed(
        sol.check.as_ref().map(|c| (c.feasible, c.objective)),
        sol.objective,
    );
    Ok(())
}

/// The checker found the result feasible with the reported objective.
fn confirmed(check: Option<(bool, f64)>, objective: Option<f64>) -> bool {
    match (check, objective) {
        (Some((feasible, c)), Some(o)) => feasible && (c - o).abs() <= 1e-6 * o.abs().max(1.0),
        _ => false,
    }
}

impl BenchOptions {
    fn apply(&self, config: &mut SolverConfig) {
        if let Some(t) = self.time_limit_seconds {
            config.time_limit_seconds = t;
        }
        if let Some(t) = self.threads {
            config.threads = t;
        }
        if let Some(s) = self.strategy {
            config.strategy = s;
        }
    }
}

/// Totals and means over rows.
pub fn summarize(rows: &[BenchRow]) -> BenchSummary {
    let shifted_geomean = |xs: Vec<f64>, shift: f64| -> f64 {
        if xs.is_empty() {
            return 0.0;
        }
        let n = xs.len() as f64;
        (xs.iter().map(|x| (x + shift).ln()).sum::<f64>() / n).exp() - shift
    };
    let gaps: Vec<f64> = rows.iter().filter_map(|r| r.gap_to_known).collect();
    BenchSummary {
        instances: rows.len(),
        optimal: rows.iter().filter(|r| r.status == Status::Optimal).count(),
        solved: rows.iter().filter(|r| r.status.has_roster()).count(),
        at_known_best: rows
            .iter()
            .filter(|r| r.gap_to_known.is_some_and(|g| g.abs() <= 1e-6))
            .count(),
        with_known: rows.iter().filter(|r| r.known_best.is_some()).count(),
        geomean_seconds: shifted_geomean(rows.iter().map(|r| r.total_seconds).collect(), 1.0),
        geomean_time_to_best: shifted_geomean(
            rows.iter().filter_map(|r| r.time_to_best).collect(),
            1.0,
        ),
        geomean_gap_to_known: (!gaps.is_empty())
            .then(|| shifted_geomean(gaps.iter().map(|g| g.max(0.0)).collect(), 1.0)),
        total_seconds: rows.iter().map(|r| r.total_seconds).sum(),
    }
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "-".into(), |x| format!("{x:.digits$}"))
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(
        || "-".into(),
        |x| {
            // Round first, so a hair below zero prints as 0.00%, not -0.00%.
            let hundredths = (10_000.0 * x).round();
            format!(
                "{:.2}%",
                if hundredths == 0.0 {
                    0.0
                } else {
                    hundredths / 100.0
                }
            )
        },
    )
}

fn status_str(s: Status) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// The progress line printed while a bench runs.
pub fn progress_line(i: usize, n: usize, r: &BenchRow) -> String {
    let mut s = format!(
        "[{}/{}] {}: {} obj {} bound {} known {} ({:.1} s)",
        i + 1,
        n,
        r.instance,
        status_str(r.status),
        opt(r.objective, 2),
        opt(r.best_bound, 2),
        opt(r.known_best, 0),
        r.total_seconds
    );
    if let Some(e) = &r.error {
        let _ = write!(s, " error: {e}");
    }
    s
}

const HEADER: [&str; 14] = [
    "instance",
    "employees",
    "days",
    "vars",
    "rows",
    "status",
    "objective",
    "bound",
    "gap",
    "known",
    "vs known",
    "checked",
    "t_best",
    "t_total",
];

fn cells(r: &BenchRow) -> [String; 14] {
    [
        r.instance.clone(),
        r.employees.to_string(),
        match r.format {
            // Task assignment has no calendar.
            InstanceFormat::Gap | InstanceFormat::TaskRequest => "-".into(),
            InstanceFormat::Curtois | InstanceFormat::RosterRequest => r.days.to_string(),
        },
        r.variables.to_string(),
        r.rows.to_string(),
        if r.error.is_some() {
            "ERROR".into()
        } else {
            status_str(r.status)
        },
        opt(r.objective, 2),
        opt(r.best_bound, 2),
        pct(r.gap_to_bound),
        match (r.known_best, r.known_optimal) {
            (Some(k), Some(true)) => format!("{k}*"),
            (Some(k), _) => format!("{k}"),
            _ => "-".into(),
        },
        pct(r.gap_to_known),
        if r.checked { "yes" } else { "no" }.into(),
        opt(r.time_to_best, 2),
        format!("{:.2}", r.total_seconds),
    ]
}

fn summary_line(s: &BenchSummary) -> String {
    format!(
        "{} instances: {} optimal, {} solved, {}/{} at the known best; geomean time {:.2} s, \
         time to best {:.2} s, gap to known {}; total {:.1} s",
        s.instances,
        s.optimal,
        s.solved,
        s.at_known_best,
        s.with_known,
        s.geomean_seconds,
        s.geomean_time_to_best,
        pct(s.geomean_gap_to_known),
        s.total_seconds
    )
}

/// Rows as an aligned text table with the summary line (known values marked `*` are proven
/// optimal).
pub fn table(rows: &[BenchRow], summary: &BenchSummary) -> String {
    let all: Vec<[String; 14]> = std::iter::once(HEADER.map(String::from))
        .chain(rows.iter().map(cells))
        .collect();
    let widths: Vec<usize> = (0..HEADER.len())
        .map(|c| all.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &all {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (v, &w))| {
                if c == 0 || c == 5 {
                    format!("{v:<w$}")
                } else {
                    format!("{v:>w$}")
                }
            })
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    let _ = writeln!(out, "{}", summary_line(summary));
    out
}

/// Rows as CSV (header, one line per instance, no summary).
pub fn csv(rows: &[BenchRow]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "instance,format,employees,days,variables,rows,status,objective,best_bound,gap_to_bound,\
         known_best,known_optimal,gap_to_known,checked,time_to_best,total_seconds,error"
    );
    let f = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    for r in rows {
        let format = serde_json::to_value(r.format)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            r.instance,
            format,
            r.employees,
            r.days,
            r.variables,
            r.rows,
            status_str(r.status),
            f(r.objective),
            f(r.best_bound),
            f(r.gap_to_bound),
            f(r.known_best),
            r.known_optimal.map(|b| b.to_string()).unwrap_or_default(),
            f(r.gap_to_known),
            r.checked,
            f(r.time_to_best),
            r.total_seconds,
            r.error.as_deref().unwrap_or("").replace([',', '\n'], ";")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, status: Status, obj: Option<f64>, known: Option<f64>, t: f64) -> BenchRow {
        BenchRow {
            instance: name.into(),
            format: InstanceFormat::Curtois,
            employees: 1,
            days: 1,
            variables: 1,
            rows: 1,
            status,
            objective: obj,
            best_bound: obj,
            gap_to_bound: obj.map(|_| 0.0),
            known_best: known,
            known_optimal: known.map(|_| true),
            gap_to_known: obj.zip(known).map(|(o, k)| (o - k) / k),
            checked: true,
            time_to_best: Some(t),
            total_seconds: t,
            error: None,
        }
    }

    #[test]
    fn detects_formats_from_content() {
        assert_eq!(detect("{\"tasks\": []}"), Some(InstanceFormat::TaskRequest));
        assert_eq!(
            detect("{\"employees\": []}"),
            Some(InstanceFormat::RosterRequest)
        );
        assert_eq!(
            detect("# x\nSECTION_HORIZON\n14\n"),
            Some(InstanceFormat::Curtois)
        );
        assert_eq!(detect(" 2 3\n1 2 3\n4 5 6\n"), Some(InstanceFormat::Gap));
        assert_eq!(detect("hello"), None);
        assert_eq!(detect(""), None);
    }

    #[test]
    fn natural_order_puts_2_before_10() {
        let mut v = vec![
            PathBuf::from("d/Instance10.txt"),
            PathBuf::from("d/Instance2.txt"),
            PathBuf::from("d/Instance1.txt"),
        ];
        v.sort_by_key(|p| natural_key(p));
        assert_eq!(
            v,
            vec![
                PathBuf::from("d/Instance1.txt"),
                PathBuf::from("d/Instance2.txt"),
                PathBuf::from("d/Instance10.txt"),
            ]
        );
    }

    #[test]
    fn summary_counts_and_means() {
        let rows = vec![
            row("a", Status::Optimal, Some(100.0), Some(100.0), 1.0),
            row("b", Status::Feasible, Some(110.0), Some(100.0), 3.0),
            row("c", Status::TimeLimitNoSolution, None, Some(5.0), 7.0),
        ];
        let s = summarize(&rows);
        assert_eq!((s.instances, s.optimal, s.solved), (3, 1, 2));
        assert_eq!((s.at_known_best, s.with_known), (1, 3));
        // Shifted geomean of 1, 3, 7 with shift 1: (2·4·8)^(1/3) − 1 = 3.
        assert!((s.geomean_seconds - 3.0).abs() < 1e-9);
        // Gaps 0 and 0.1: sqrt(1 · 1.1) − 1.
        let g = s.geomean_gap_to_known.unwrap();
        assert!((g - (1.1f64.sqrt() - 1.0)).abs() < 1e-12);
        assert!((s.total_seconds - 11.0).abs() < 1e-12);
        let t = table(&rows, &s);
        assert!(t.contains("100*"), "{t}");
        assert!(t.contains("10.00%"), "{t}");
        assert_eq!(pct(Some(-1e-12)), "0.00%");
        assert_eq!(pct(Some(-0.0123)), "-1.23%");
        assert!(t
            .lines()
            .last()
            .unwrap()
            .starts_with("3 instances: 1 optimal"));
        let c = csv(&rows);
        assert_eq!(c.lines().count(), 4);
        assert!(c.lines().nth(2).unwrap().starts_with("b,curtois,"));
    }

    #[test]
    fn known_values_are_read_from_the_set() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("split/set1");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(
            dir.path().join("best_known.json"),
            r#"{"p1": {"best_known": 261, "optimal": true, "sense": "min"},
                "p2": {"best_known": 5, "sense": "max"}}"#,
        )
        .unwrap();
        std::fs::write(sub.join("p1"), "1 1\n3\n2\n5\n").unwrap();
        std::fs::write(sub.join("p2"), "1 1\n3\n2\n5\n").unwrap();
        std::fs::write(sub.join("README.md"), "skip me").unwrap();
        let found = discover(&[dir.path().join("split")]).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].format, InstanceFormat::Gap);
        assert_eq!(
            found[0].known,
            Some(KnownValue {
                best: 261.0,
                optimal: true
            })
        );
        // A maximisation value is not comparable with our minimised objective.
        assert_eq!(found[1].known, None);
        assert!(matches!(
            discover(&[dir.path().join("nope")]),
            Err(BenchError::Read { .. })
        ));
    }
}
