//! The Generalized Assignment Problem (OR-Library `gap1..12`, `gapa..d`, and the one-problem
//! `split/` files of the public benchmark set) as a task request.
//!
//! The GAP *is* task assignment: each job goes to exactly one agent, each agent's resource
//! use stays within its capacity, the cost is minimised (or the profit maximised). So it is
//! imported, not solved by a special path: agents become employees `A1..Am` with
//! `capacityHours = b[i]`, jobs become tasks `J1..Jn` with `employeeEstimates = a[·][j]` and
//! `costs = c[·][j]` (negated for [`GapSense::Max`]), and `assignAll` makes every job
//! mandatory. Solving the request then gives the GAP optimum as its objective (negated for
//! the max sense), and the checker re-verifies it like any other answer.
//!
//! This module never reads files: the caller hands it the text (benchmark data is read from
//! `../shared/benchmarks/`, never copied into the project).

use serde_json::{json, Map, Value};

/// One GAP instance: `m` agents, `n` jobs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GapInstance {
    /// Number of agents `m`.
    pub agents: usize,
    /// Number of jobs `n`.
    pub jobs: usize,
    /// `cost[i][j]`: cost (or profit) of giving job `j` to agent `i`.
    pub cost: Vec<Vec<i64>>,
    /// `effort[i][j]`: resource agent `i` uses for job `j`.
    pub effort: Vec<Vec<i64>>,
    /// `capacity[i]`: resource agent `i` has.
    pub capacity: Vec<i64>,
}

/// Whether the costs are minimised (the convention of Yagiura and fontanf, and of Chu &
/// Beasley's A–D) or maximised as profits (OR-Library's optima for gap1–gap12).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GapSense {
    /// Minimise Σ c·x.
    Min,
    /// Maximise Σ c·x (imported as minimising Σ −c·x).
    Max,
}

/// What is wrong with a GAP file; positions are 1-based.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GapError {
    /// No number at all.
    #[error("the file holds no number")]
    Empty,
    /// A token that is not an integer.
    #[error("line {line}, column {column}: {token:?} is not an integer")]
    NotInteger {
        /// Line.
        line: usize,
        /// Column.
        column: usize,
        /// The token.
        token: String,
    },
    /// A number out of its range (agents and jobs ≥ 1, efforts and capacities ≥ 0).
    #[error("line {line}, column {column} (number {index}): {what} must be {rule}, found {value}")]
    BadValue {
        /// Line.
        line: usize,
        /// Column.
        column: usize,
        /// Position of the number in the file (1-based).
        index: usize,
        /// What the number is, e.g. "effort a[2][7] of problem 1".
        what: String,
        /// The range it must be in.
        rule: &'static str,
        /// The number.
        value: i64,
    },
    /// The numbers fit neither layout.
    #[error(
        "the file holds {found} numbers, which fits neither layout: as one problem of \
         {agents} agents × {jobs} jobs (its first two numbers) it needs {single_needs}; \
         read as a file with a leading problem count, {multi}"
    )]
    Layout {
        /// Numbers in the file.
        found: usize,
        /// First number.
        agents: i64,
        /// Second number.
        jobs: i64,
        /// Numbers a single problem of that size needs.
        single_needs: u128,
        /// What went wrong reading it as a multi-problem file.
        multi: String,
    },
    /// A multi-problem file that ends early (only a single number, or nothing after it).
    #[error("the file ends before {what} (last number on line {line})")]
    Truncated {
        /// What was expected next.
        what: String,
        /// Line of the last number.
        line: usize,
    },
    /// Numbers left after the last problem of a multi-problem file.
    #[error("{count} number(s) left over after the {problems} problem(s), from line {line}, column {column}")]
    Trailing {
        /// How many.
        count: usize,
        /// Problems read.
        problems: usize,
        /// Line of the first extra number.
        line: usize,
        /// Column of the first extra number.
        column: usize,
    },
}

#[derive(Clone, Copy, Debug)]
struct Token {
    value: i64,
    line: usize,
    column: usize,
}

fn tokenize(text: &str) -> Result<Vec<Token>, GapError> {
    let mut out = Vec::new();
    for (l, line) in text.lines().enumerate() {
        let mut start = None;
        // A sentinel space closes the last token of the line.
        for (i, ch) in line
            .char_indices()
            .chain(std::iter::once((line.len(), ' ')))
        {
            match (ch.is_whitespace(), start) {
                (false, None) => start = Some(i),
                (true, Some(s)) => {
                    let tok = &line[s..i];
                    let column = line[..s].chars().count() + 1;
                    let value = tok.parse::<i64>().map_err(|_| GapError::NotInteger {
                        line: l + 1,
                        column,
                        token: tok.to_string(),
                    })?;
                    out.push(Token {
                        value,
                        line: l + 1,
                        column,
                    });
                    start = None;
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

struct Cursor<'a> {
    tokens: &'a [Token],
    at: usize,
}

impl Cursor<'_> {
    fn next(&mut self, what: impl Fn() -> String, min: Option<i64>) -> Result<i64, GapError> {
        let Some(&t) = self.tokens.get(self.at) else {
            return Err(GapError::Truncated {
                what: what(),
                line: self.tokens.last().map_or(0, |t| t.line),
            });
        };
        self.at += 1;
        if let Some(min) = min.filter(|&m| t.value < m) {
            return Err(GapError::BadValue {
                line: t.line,
                column: t.column,
                index: self.at,
                what: what(),
                rule: if min == 1 { "at least 1" } else { "at least 0" },
                value: t.value,
            });
        }
        Ok(t.value)
    }

    fn problem(&mut self, label: &str) -> Result<GapInstance, GapError> {
        let m = self.next(|| format!("the number of agents{label}"), Some(1))? as usize;
        let n = self.next(|| format!("the number of jobs{label}"), Some(1))? as usize;
        let mut matrix = |name: &str, sym: char, min: Option<i64>| {
            (0..m)
                .map(|i| {
                    (0..n)
                        .map(|j| {
                            self.next(|| format!("{name} {sym}[{}][{}]{label}", i + 1, j + 1), min)
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let cost = matrix("cost", 'c', None)?;
        let effort = matrix("effort", 'a', Some(0))?;
        let capacity = (0..m)
            .map(|i| self.next(|| format!("capacity b[{}]{label}", i + 1), Some(0)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(GapInstance {
            agents: m,
            jobs: n,
            cost,
            effort,
            capacity,
        })
    }
}

/// Numbers one problem of `m × n` takes: `m n`, the costs, the efforts, the capacities.
fn numbers_of(m: i64, n: i64) -> u128 {
    let (m, n) = (m.max(0) as u128, n.max(0) as u128);
    2 + 2 * m * n + m
}

/// Read a GAP file in either layout: OR-Library files (`P`, then `P` problems) or one
/// problem without the leading count (the `split/` files). The layout is told by the number
/// count: exactly one `m × n` problem's worth means the single layout.
pub fn parse_gap(text: &str) -> Result<Vec<GapInstance>, GapError> {
    let tokens = tokenize(text)?;
    if tokens.is_empty() {
        return Err(GapError::Empty);
    }
    if tokens.len() >= 2 {
        let (m, n) = (tokens[0].value, tokens[1].value);
        let needs = numbers_of(m, n);
        if m >= 1 && n >= 1 && needs == tokens.len() as u128 {
            let mut c = Cursor {
                tokens: &tokens,
                at: 0,
            };
            return Ok(vec![c.problem("")?]);
        }
        return read_multi(&tokens).map_err(|e| match e {
            GapError::BadValue { .. } | GapError::Truncated { .. } | GapError::Trailing { .. } => {
                GapError::Layout {
                    found: tokens.len(),
                    agents: m,
                    jobs: n,
                    single_needs: needs,
                    multi: e.to_string(),
                }
            }
            other => other,
        });
    }
    read_multi(&tokens)
}

fn read_multi(tokens: &[Token]) -> Result<Vec<GapInstance>, GapError> {
    let mut c = Cursor { tokens, at: 0 };
    let count = c.next(|| "the number of problems".into(), Some(1))? as usize;
    let mut out = Vec::with_capacity(count.min(1024));
    for k in 0..count {
        out.push(c.problem(&format!(" of problem {} of {count}", k + 1))?);
    }
    if let Some(t) = tokens.get(c.at) {
        return Err(GapError::Trailing {
            count: tokens.len() - c.at,
            problems: count,
            line: t.line,
            column: t.column,
        });
    }
    Ok(out)
}

/// The task request that means exactly `inst`: employees `A1..Am` (capacity `b[i]`, no
/// workload, available, no skills), tasks `J1..Jn` (efforts `a[i][j]`, costs `c[i][j]`,
/// negated for [`GapSense::Max`]), `assignAll`, affinity weight 0 (the objective is the GAP
/// cost alone), method `milp` with a zero relative gap.
pub fn gap_request(inst: &GapInstance, name: &str, sense: GapSense) -> Value {
    let agent = |i: usize| format!("A{}", i + 1);
    let sign = match sense {
        GapSense::Min => 1,
        GapSense::Max => -1,
    };
    let tasks: Vec<Value> = (0..inst.jobs)
        .map(|j| {
            let mut estimates = Map::new();
            let mut costs = Map::new();
            for i in 0..inst.agents {
                estimates.insert(agent(i), json!(inst.effort[i][j]));
                costs.insert(agent(i), json!(sign * inst.cost[i][j]));
            }
            json!({
                "taskId": format!("J{}", j + 1),
                "employeeEstimates": estimates,
                "costs": costs,
            })
        })
        .collect();
    let employees: Vec<Value> = (0..inst.agents)
        .map(|i| {
            json!({
                "employeeId": agent(i),
                "capacityHours": inst.capacity[i],
                "currentWorkloadHours": 0,
                "availability": "available",
            })
        })
        .collect();
    json!({
        "schemaVersion": "0.96",
        "requestId": name,
        "tasks": tasks,
        "employees": employees,
        "constraints": {
            "assignAll": true,
            "enforceCapacity": true,
            "enforceAvailability": true,
            "requireSkills": false,
        },
        "method": "milp",
        "solverConfig": {"mipGap": 0, "affinityWeight": 0},
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::Status;
    use crate::tasks::{solve_tasks, task_request_from_value};

    /// 2 agents × 3 jobs, solved by hand. Agent 1 holds two jobs (effort 2 each, capacity
    /// 4); agent 2 holds effort 3. Feasible splits (agent 1 / agent 2) and costs:
    /// {1,2}/{3} = 1+5+3 = 9, {1,3}/{2} = 1+4+2 = 7, {2,3}/{1} = 5+4+3 = 12; every other
    /// split breaks a capacity. So min = 7 and max = 12 (the unconstrained min, 6, gives
    /// agent 2 effort 4).
    const HAND: &str = "2 3\n 1 5 4\n 3 2 3\n 2 2 2\n 3 2 2\n 4 3\n";

    fn solve(inst: &GapInstance, sense: GapSense) -> (Status, f64) {
        let p = task_request_from_value(&gap_request(inst, "hand", sense)).expect("valid");
        let sol = solve_tasks(&p, &Default::default()).expect("solves");
        let check = sol.check.as_ref().expect("checked");
        assert!(check.feasible, "{:?}", check.violations);
        let objective = sol.objective.expect("objective");
        assert!((objective - check.objective).abs() < 1e-6);
        (sol.status, objective)
    }

    #[test]
    fn reads_the_single_problem_layout() {
        let v = parse_gap(HAND).unwrap();
        assert_eq!(v.len(), 1);
        let g = &v[0];
        assert_eq!((g.agents, g.jobs), (2, 3));
        assert_eq!(g.cost, vec![vec![1, 5, 4], vec![3, 2, 3]]);
        assert_eq!(g.effort, vec![vec![2, 2, 2], vec![3, 2, 2]]);
        assert_eq!(g.capacity, vec![4, 3]);
    }

    #[test]
    fn reads_the_or_library_layout() {
        let text = format!("2\n{HAND}1 1\n7\n1\n1\n");
        let v = parse_gap(&text).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0], parse_gap(HAND).unwrap()[0]);
        assert_eq!(
            v[1],
            GapInstance {
                agents: 1,
                jobs: 1,
                cost: vec![vec![7]],
                effort: vec![vec![1]],
                capacity: vec![1],
            }
        );
    }

    #[test]
    fn the_hand_solved_instance_has_min_7_and_max_12() {
        let g = &parse_gap(HAND).unwrap()[0];
        assert_eq!(solve(g, GapSense::Min), (Status::Optimal, 7.0));
        assert_eq!(solve(g, GapSense::Max), (Status::Optimal, -12.0));
    }

    #[test]
    fn malformed_files_get_precise_errors() {
        assert_eq!(parse_gap(" \n\n"), Err(GapError::Empty));
        assert_eq!(
            parse_gap("2 3\n1 5 x4\n"),
            Err(GapError::NotInteger {
                line: 2,
                column: 5,
                token: "x4".into()
            })
        );
        // One number short: neither layout fits, and both readings are explained.
        let short = HAND.trim_end().trim_end_matches('3');
        let err = parse_gap(short).unwrap_err();
        assert!(
            matches!(
                err,
                GapError::Layout {
                    found: 15,
                    single_needs: 16,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("2 agents × 3 jobs"), "{err}");
        // A negative effort in a well-sized single problem.
        let neg = HAND.replace("3 2 2\n", "3 -2 2\n");
        let err = parse_gap(&neg).unwrap_err();
        assert_eq!(
            err,
            GapError::BadValue {
                line: 5,
                column: 4,
                index: 13,
                what: "effort a[2][2]".into(),
                rule: "at least 0",
                value: -2
            }
        );
        // An OR-Library file with a number too many.
        let text = format!("1\n{HAND}9\n");
        let err = parse_gap(&text).unwrap_err();
        assert!(
            err.to_string()
                .contains("1 number(s) left over after the 1 problem(s), from line 8, column 1"),
            "{err}"
        );
        // An OR-Library file that ends inside its second problem.
        let text = format!("2\n{HAND}1 1\n7\n1\n");
        let err = parse_gap(&text).unwrap_err().to_string();
        assert!(err.contains("capacity b[1] of problem 2 of 2"), "{err}");
    }

    #[test]
    fn the_request_means_the_gap() {
        let g = &parse_gap(HAND).unwrap()[0];
        let r = gap_request(g, "hand", GapSense::Max);
        assert_eq!(
            r["tasks"][2]["employeeEstimates"],
            json!({"A1": 2, "A2": 2})
        );
        assert_eq!(r["tasks"][2]["costs"], json!({"A1": -4, "A2": -3}));
        assert_eq!(r["employees"][1]["capacityHours"], json!(3));
        assert_eq!(r["constraints"]["assignAll"], json!(true));
        assert_eq!(r["solverConfig"]["affinityWeight"], json!(0));
    }
}
