//! Shared helpers for integration tests: solve, then re-verify with the checker.

#![allow(dead_code)]

use roster::domain::Problem;
use roster::scoring::FallbackScorer;
use roster::solve::{solve, Solution, SolveOptions};

/// A Curtois & Qu instance from `../shared/benchmarks/curtois` (or `$ROSTER_BENCHMARKS`), as a
/// problem; `None` (and a note on stderr) when the benchmark folder is missing.
pub fn curtois(name: &str) -> Option<Problem> {
    let root = std::env::var_os("ROSTER_BENCHMARKS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/benchmarks")
        });
    let path = root.join("curtois").join(format!("{name}.txt"));
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!(
            "skipped: {} not found (set ROSTER_BENCHMARKS to the benchmark folder)",
            path.display()
        );
        return None;
    };
    let inst = roster::import::parse_curtois(&text).unwrap();
    Some(roster::input::request_from_value(&inst.to_request(name)).unwrap())
}

/// Load a request file relative to the crate root.
pub fn load(path: &str) -> Problem {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    roster::input::load_request(&text).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// Solve and assert the independent checker agrees: no hard violation when a roster is
/// reported, and the same objective as the solver's.
pub fn solve_checked(p: &Problem) -> Solution {
    solve_checked_with(p, &FallbackScorer)
}

/// [`solve_checked`] with a given affinity scorer.
pub fn solve_checked_with(p: &Problem, scorer: &dyn roster::scoring::Scorer) -> Solution {
    let opts = SolveOptions {
        scorer,
        ..SolveOptions::default()
    };
    let sol = solve(p, &opts).expect("solve runs");
    if sol.status.has_roster() {
        let report = roster::check::check(p, &sol.roster, scorer);
        assert!(
            report.feasible,
            "solver roster breaks hard rules: {:#?}",
            report.hard_violations
        );
        let obj = sol.objective.expect("a roster has an objective");
        assert!(
            (obj - report.objective).abs() <= 1e-6 * obj.abs().max(1.0),
            "solver objective {obj} != checker objective {}",
            report.objective
        );
    }
    sol
}

/// The output document with timing fields redacted (for byte comparisons).
pub fn normalised_json(p: &Problem, sol: &Solution) -> serde_json::Value {
    let mut v = roster::output::solution_json(p, sol, &FallbackScorer);
    v["solverRun"]["wallTimeSeconds"] = serde_json::json!("[time]");
    v["solverRun"]["timeToBestSeconds"] = serde_json::json!("[time]");
    if v["solverRun"]["milp"].is_object() {
        v["solverRun"]["milp"]["buildSeconds"] = serde_json::json!("[time]");
        v["solverRun"]["milp"]["solveSeconds"] = serde_json::json!("[time]");
    }
    if v["solverRun"]["decomposition"].is_object() {
        for k in [
            "pricingSeconds",
            "masterSeconds",
            "integerSeconds",
            "branchSeconds",
            "descentSeconds",
        ] {
            v["solverRun"]["decomposition"][k] = serde_json::json!("[time]");
        }
    }
    v
}

/// One finished run of the `roster` binary.
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Run `roster ARGS` in `dir` (no stdin, no colours, no RUST_LOG); fails on a panic.
pub fn roster(dir: &std::path::Path, args: &[&str]) -> Run {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_roster"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the roster binary runs");
    let run = Run {
        code: out
            .status
            .code()
            .unwrap_or_else(|| panic!("roster {args:?} was killed by a signal")),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "roster {args:?} panicked:\n{}",
        run.stderr
    );
    run
}

impl Run {
    /// Standard output parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Assert the exit code, showing both streams when it differs.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code {} (expected {code})\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }
}
