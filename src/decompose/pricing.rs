//! The pricing problem of one employee: their own catalog rows (the same encoders that build
//! the compact model, through [`ModelIr::for_employees`]), with the master's duals subtracted
//! from the costs of their `x` columns.
//!
//! It must stay exact: the Lagrangian bound is only valid with the pricing MILP's own dual
//! bound, which is what [`Priced::reduced_cost_bound`] carries when HiGHS stops early.
//!
//! Where every active rule has a labeling face, the labeling pricer ([`super::labeling`])
//! answers instead (exact, a few milliseconds, no solver); each schedule it returns is
//! re-priced through the model's rows, and the MILP takes over whenever labeling cannot
//! decide (too many labels) or a schedule disagrees with the rows.

use std::time::Instant;

use super::labeling::{Dominance, LabelOutcome, Labeler, Query};
use crate::domain::{Assignment, EmployeeIdx, Problem, Roster, SlotIdx, SolverConfig};
use crate::model::highs_backend::{self, BackendError};
use crate::model::{BuildMode, ColKind, LinearProgram, ModelIr};

/// Margin below the convexity dual under which a schedule counts as improving (absolute:
/// duals of hard rows reach the artificial cost, and a relative margin would hide columns).
pub const CUTOFF_MARGIN: f64 = 1e-6;

/// One employee's pricing model, built once and re-priced every round.
pub struct Pricer<'p> {
    /// The employee.
    pub employee: EmployeeIdx,
    /// The employee's own model (also prices the initial columns).
    ir: ModelIr<'p>,
    lp: LinearProgram,
    /// `(column, assignment)` of every `x` column.
    assign: Vec<(usize, Assignment)>,
    /// A hard own row is broken by the locked context: no schedule exists.
    pub broken: bool,
    /// The labeling pricer, when every active rule has a labeling face.
    labeler: Option<Labeler>,
}

/// How hard labeling prices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effort {
    /// The exact pass only: the least reduced cost, proven.
    Exact,
    /// A [`Dominance::Heuristic`] pass first, whose schedules are returned when it finds any
    /// (with a reduced-cost bound of −∞: nothing is proven); the exact pass otherwise. What
    /// column generation uses when it must end with a bound.
    HeuristicFirst,
    /// The heuristic pass alone ([`Pricing::Unknown`] when it finds nothing): for searches
    /// that need good LP solutions fast and no bound, such as dives.
    Heuristic,
}

/// Branching decisions on one employee's slots: the schedules of a branch-and-price node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Restrict {
    /// Slots the employee must work.
    pub force: Vec<SlotIdx>,
    /// Slots the employee must not work.
    pub forbid: Vec<SlotIdx>,
    /// Groups of slots (one day's) of which the employee must work one: "works that day".
    pub work_any: Vec<Vec<SlotIdx>>,
}

impl Restrict {
    /// Whether a schedule (sorted slots) keeps these decisions.
    pub fn admits(&self, slots: &[SlotIdx]) -> bool {
        self.force.iter().all(|s| slots.binary_search(s).is_ok())
            && self.forbid.iter().all(|s| slots.binary_search(s).is_err())
            && self
                .work_any
                .iter()
                .all(|g| g.iter().any(|s| slots.binary_search(s).is_ok()))
    }

    /// No decision.
    pub fn is_empty(&self) -> bool {
        self.force.is_empty() && self.forbid.is_empty() && self.work_any.is_empty()
    }
}

/// What pricing one employee says.
#[derive(Clone, Debug, PartialEq)]
pub enum Pricing {
    /// Schedules of negative reduced cost, the cheapest first (each with the employee's
    /// reduced-cost bound).
    Columns(Vec<Priced>),
    /// Proven: no schedule of this employee has a reduced cost below `bound` (−margin).
    NoneNegative {
        /// Lower bound on the least reduced cost.
        bound: f64,
    },
    /// The time limit stopped the pricing MILP before it found a column or proved none
    /// exists; `bound` is its dual bound on the least reduced cost (−∞ when unknown).
    Unknown {
        /// Lower bound on the least reduced cost.
        bound: f64,
    },
}

/// A schedule priced for the master.
#[derive(Clone, Debug, PartialEq)]
pub struct Priced {
    /// Slots of the schedule, sorted.
    pub slots: Vec<SlotIdx>,
    /// Its own cost (everything per-employee: affinity, requests, soft rules, constants).
    pub cost: f64,
    /// Reduced cost of the schedule under the duals it was priced with.
    pub reduced_cost: f64,
    /// A lower bound on the least reduced cost of this employee (equal to `reduced_cost`
    /// when the pricing MILP was solved to optimality).
    pub reduced_cost_bound: f64,
}

impl<'p> Pricer<'p> {
    /// The pricing model of `e`.
    pub fn new(
        p: &'p Problem,
        e: EmployeeIdx,
        score: &dyn Fn(EmployeeIdx, SlotIdx) -> f64,
    ) -> Self {
        let ir = ModelIr::for_employees(p, vec![e], score, BuildMode::Normal);
        let assign = ir
            .cols
            .iter()
            .enumerate()
            .filter_map(|(i, c)| match c.kind {
                ColKind::Assign(a) => Some((i, a)),
                _ => None,
            })
            .collect();
        Pricer {
            employee: e,
            lp: ir.to_linear_program(),
            assign,
            broken: !ir.broken_constants.is_empty(),
            labeler: Labeler::new(p, e, &ir),
            ir,
        }
    }

    /// Every slot this employee may work (one per `x` column), sorted.
    pub fn slots(&self) -> Vec<SlotIdx> {
        let mut v: Vec<SlotIdx> = self.assign.iter().map(|&(_, a)| a.slot).collect();
        v.sort_unstable();
        v
    }

    /// Whether every objective coefficient of this employee's model is an integer.
    pub fn integral_costs(&self) -> bool {
        self.ir.integral_costs()
    }

    /// Whether the labeling pricer covers this employee's rules.
    pub fn has_labeling(&self) -> bool {
        self.labeler.is_some()
    }

    /// Price by labeling, at most `keep` schedules; `None` when there is no labeler, the
    /// labels overflow, or a schedule disagrees with the rows (then the MILP must price).
    /// `effort` says which passes run (see [`Effort`]). At `deadline`, when given, it gives up
    /// ([`Pricing::Unknown`] with no bound: the MILP does not take over, there is no time
    /// left for it).
    pub fn price_by_labeling(
        &self,
        dual: &dyn Fn(Assignment) -> f64,
        convexity: f64,
        keep: usize,
        restrict: &Restrict,
        effort: Effort,
        deadline: Option<Instant>,
    ) -> Option<Pricing> {
        let labeler = self.labeler.as_ref()?;
        let mut cost: Vec<f64> = self.lp.cols.iter().map(|c| c.cost).collect();
        for &(c, a) in &self.assign {
            cost[c] -= dual(a);
        }
        let p = self.ir.problem;
        let mut force = Vec::new();
        for &(c, a) in &self.assign {
            if restrict.forbid.contains(&a.slot) {
                cost[c] = f64::INFINITY;
            }
            if restrict.force.contains(&a.slot) {
                let day = p.slots[a.slot.ix()].day as usize;
                force.resize(force.len().max(p.horizon.days as usize), None);
                force[day] = Some(c);
            }
        }
        // A forced day uses its forced column only.
        for &(c, a) in &self.assign {
            let day = p.slots[a.slot.ix()].day as usize;
            if force.get(day).copied().flatten().is_some_and(|f| f != c) {
                cost[c] = f64::INFINITY;
            }
        }
        let mut must_work = Vec::new();
        for group in &restrict.work_any {
            // A group is one day's slots: that day may not be off.
            if let Some(s) = group.first() {
                let day = p.slots[s.ix()].day as usize;
                must_work.resize(must_work.len().max(p.horizon.days as usize), false);
                must_work[day] = true;
            }
        }
        let q = Query {
            cost: &cost,
            force: &force,
            must_work: &must_work,
            cutoff: convexity - CUTOFF_MARGIN,
            keep,
            deadline,
        };
        let unknown = Pricing::Unknown {
            bound: f64::NEG_INFINITY,
        };
        // The heuristic pass's schedules, when it runs and finds any.
        let quick = match effort {
            Effort::Exact => None,
            _ => match labeler.price(&q, Dominance::Heuristic) {
                LabelOutcome::Found(found) => Some(found),
                _ => None,
            },
        };
        let (found, best) = match (quick, effort) {
            (Some(found), _) => (found, f64::NEG_INFINITY),
            (None, Effort::Heuristic) => return Some(unknown),
            (None, _) => match labeler.price(&q, Dominance::Exact) {
                LabelOutcome::Found(found) => {
                    let best = found[0].cost - convexity;
                    (found, best)
                }
                LabelOutcome::NoneBelow => {
                    return Some(Pricing::NoneNegative {
                        bound: -CUTOFF_MARGIN,
                    })
                }
                LabelOutcome::TooLarge => return None,
                LabelOutcome::OutOfTime => return Some(unknown),
            },
        };
        let mut out = Vec::with_capacity(found.len());
        for l in found {
            // The rows judge the schedule: it must keep every hard row, and cost what the
            // labels say (own cost = priced cost + the duals taken off its columns).
            let roster = Roster::new(
                l.slots
                    .iter()
                    .map(|&slot| Assignment {
                        employee: self.employee,
                        slot,
                    })
                    .collect(),
            );
            let Some((slots, own)) = self.cost_of(&roster) else {
                tracing::warn!(
                    employee = self.employee.0,
                    "a labeled schedule breaks a hard row; the MILP prices instead"
                );
                return None;
            };
            let duals: f64 = self
                .assign
                .iter()
                .filter(|(c, _)| l.cols.contains(c))
                .map(|&(_, a)| dual(a))
                .sum();
            if (own - duals - l.cost).abs() > 1e-6 * own.abs().max(1.0) {
                tracing::warn!(
                    employee = self.employee.0,
                    labels = l.cost,
                    rows = own - duals,
                    "labeling disagrees with the rows; the MILP prices instead"
                );
                return None;
            }
            out.push(Priced {
                slots,
                cost: own,
                reduced_cost: l.cost - convexity,
                reduced_cost_bound: best,
            });
        }
        Some(Pricing::Columns(out))
    }

    /// The own cost of `roster`'s schedule for this employee, when it keeps every hard own
    /// row (`None` otherwise): how the initial columns are priced.
    pub fn cost_of(&self, roster: &Roster) -> Option<(Vec<SlotIdx>, f64)> {
        let ir = &self.ir;
        let mine = Roster::new(
            roster
                .assignments
                .iter()
                .copied()
                .filter(|a| a.employee == self.employee)
                .collect(),
        );
        let values = ir.values_of(&mine)?;
        let cost = ir.objective_of(&values);
        Some((mine.assignments.iter().map(|a| a.slot).collect(), cost))
    }

    /// Solve the pricing MILP (whatever labeling could do) with `dual(x)` the master's price of the assignment `x` (its
    /// coupling rows' duals times its coefficients there) and `convexity` the dual of this
    /// employee's convexity row.
    pub fn price(
        &self,
        dual: &dyn Fn(Assignment) -> f64,
        convexity: f64,
        restrict: &Restrict,
        cfg: &SolverConfig,
    ) -> Result<Pricing, BackendError> {
        let mut lp = self.lp.clone();
        for &(c, a) in &self.assign {
            lp.cols[c].cost -= dual(a);
            if restrict.forbid.contains(&a.slot) {
                lp.cols[c].hi = 0.0;
            }
            if restrict.force.contains(&a.slot) {
                lp.cols[c].lo = 1.0;
            }
        }
        for group in &restrict.work_any {
            let terms = self
                .assign
                .iter()
                .filter(|(_, a)| group.contains(&a.slot))
                .map(|&(c, _)| (c as u32, 1.0))
                .collect();
            lp.rows.push(crate::model::highs_backend::LpRow {
                lo: 1.0,
                hi: f64::INFINITY,
                terms,
            });
        }
        // Only schedules of negative reduced cost matter: the cutoff lets HiGHS prune every
        // node whose bound reaches the convexity dual, and proves "none" fast.
        let cutoff = convexity - CUTOFF_MARGIN;
        let run = highs_backend::solve_lp_below(&lp, cfg, cutoff)?;
        use highs::HighsModelStatus as H;
        let proven = matches!(run.status, H::Optimal | H::ObjectiveBound | H::Infeasible);
        let values = match run.values {
            Some(v) if lp.cols.iter().zip(&v).map(|(c, x)| c.cost * x).sum::<f64>() < cutoff => v,
            // A solution at or above the cutoff is no column; with a proven status none is.
            _ if proven => {
                return Ok(Pricing::NoneNegative {
                    bound: -CUTOFF_MARGIN,
                })
            }
            _ => {
                return Ok(Pricing::Unknown {
                    bound: run
                        .bound
                        .map_or(f64::NEG_INFINITY, |b| (b - convexity).min(0.0)),
                })
            }
        };
        let objective: f64 = lp.cols.iter().zip(&values).map(|(c, v)| c.cost * v).sum();
        let cost: f64 = self
            .lp
            .cols
            .iter()
            .zip(&values)
            .map(|(c, v)| c.cost * v)
            .sum();
        let proven = matches!(run.status, highs::HighsModelStatus::Optimal);
        let bound = if proven {
            objective.min(run.bound.unwrap_or(objective))
        } else {
            run.bound.unwrap_or(f64::NEG_INFINITY)
        };
        let mut slots: Vec<SlotIdx> = self
            .assign
            .iter()
            .filter(|&&(c, _)| values[c] > 0.5)
            .map(|&(_, a)| a.slot)
            .collect();
        slots.sort_unstable();
        Ok(Pricing::Columns(vec![Priced {
            slots,
            cost,
            reduced_cost: objective - convexity,
            reduced_cost_bound: bound - convexity,
        }]))
    }
}
