//! The solve window as a problem of its own: the request cut to the days from `solveFromDate`
//! on, the employee pool after the workforce changes, and the locked work before the window
//! folded into each employee's [`EmployeeHistory`] (hours per ISO week and month, streaks,
//! last shift end, weekends, counters) — the one computation both incremental modes share,
//! so that they build the same sub-problem from the same situation.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration};
use serde_json::{json, Map, Value};

use crate::constraints::{RuleId, Schedules};
use crate::domain::{
    Day, EmployeeHistory, EmployeeIdx, FixedAssignment, Horizon, Problem, Roster, ShiftIdx,
    SlotIdx, DAY_MINUTES,
};
use crate::model::ir::could_fill;

/// The problem restricted to the days `from..` of `full`, over the `keep` employees (indices
/// of `full`, in that order): no slots and an empty locked context yet. Unavailable days and
/// shift requests before `from` are dropped (the locked days cannot change).
pub(crate) fn restrict(full: &Problem, from: Day, keep: &[EmployeeIdx]) -> Problem {
    let horizon = Horizon {
        start: full.horizon.date(from),
        days: (full.days() - from).max(1) as u32,
    };
    let employees = keep
        .iter()
        .map(|&e| {
            let mut emp = full.employees[e.ix()].clone();
            emp.unavailable_days = emp
                .unavailable_days
                .iter()
                .filter(|&&d| d >= from)
                .map(|d| d - from)
                .collect();
            emp.requests.retain(|r| r.day >= from);
            for r in &mut emp.requests {
                r.day -= from;
            }
            emp
        })
        .collect();
    Problem {
        planning_reference: full.planning_reference.clone(),
        horizon,
        shift_types: full.shift_types.clone(),
        slots: Vec::new(),
        employees,
        rules: full.rules.clone(),
        config: full.config.clone(),
        locked: crate::domain::LockedContext {
            history: vec![EmployeeHistory::default(); keep.len()],
            fixed: Vec::new(),
        },
    }
}

/// Mark `days` (of the restricted problem) unavailable for employee `e`.
pub(crate) fn make_unavailable(p: &mut Problem, e: EmployeeIdx, days: impl Iterator<Item = Day>) {
    let emp = &mut p.employees[e.ix()];
    let mut all: BTreeSet<Day> = emp.unavailable_days.iter().copied().collect();
    all.extend(days.filter(|&d| d >= 0 && d < p.horizon.days as Day));
    emp.unavailable_days = all.into_iter().collect();
}

/// The history of employee `e` of `full` as seen from day `from`: its own locked history
/// (before the request's horizon) plus the locked shifts `worked` on days `0..from`
/// (`(day, shift)`, any order).
pub(crate) fn roll_history(
    full: &Problem,
    e: EmployeeIdx,
    worked: &[(Day, ShiftIdx)],
    from: Day,
) -> EmployeeHistory {
    let base = full.history(e);
    let mut h = base.clone();
    let mut days: BTreeMap<Day, Vec<ShiftIdx>> = BTreeMap::new();
    for &(d, t) in worked.iter().filter(|(d, _)| (0..from).contains(d)) {
        days.entry(d).or_default().push(t);
        let m = full.shift_types[t.ix()].duration_minutes;
        *h.weekly_minutes
            .entry(full.horizon.iso_week(d))
            .or_default() += m;
        *h.monthly_minutes.entry(full.horizon.month(d)).or_default() += m;
        h.horizon_minutes += m;
        *h.shifts_per_type.entry(t).or_default() += 1;
        h.assignments += 1;
    }
    if from == 0 {
        return h;
    }
    // The rotation advances with the calendar: on day `from` it is `from` days further on.
    if let Some(r) = full.employees[e.ix()]
        .rotation
        .as_ref()
        .filter(|r| !r.pattern.is_empty())
    {
        let n = r.pattern.len() as i64;
        h.rotation_offset =
            (i64::from(base.rotation_offset) + i64::from(from)).rem_euclid(n) as u32;
    }
    // Streaks ending on day from-1.
    let mut streak = 0;
    let mut d = from - 1;
    while d >= 0 && days.contains_key(&d) {
        streak += 1;
        d -= 1;
    }
    h.streak_days = if d < 0 {
        streak + base.streak_days
    } else {
        streak
    };
    h.days_off_streak = if h.streak_days > 0 {
        None
    } else {
        match days.keys().next_back() {
            Some(&last) => Some((from - 1 - last) as u32),
            None if base.streak_days > 0 => Some(from as u32),
            None => base.days_off_streak.map(|n| n + from as u32),
        }
    };
    // Last shift and its end.
    h.last_shift = days.get(&(from - 1)).and_then(|v| v.iter().max().copied());
    let offset = i64::from(from) * DAY_MINUTES;
    let ends = days.iter().flat_map(|(&d, ts)| {
        ts.iter()
            .filter_map(move |t| full.shift_types[t.ix()].interval_on(d).map(|(_, end)| end))
    });
    h.last_shift_end = ends.max().or(base.last_shift_end).map(|end| end - offset);
    // Weekends wholly before the window (a weekend split by `from` belongs to the window:
    // C11 sees its locked Saturday through the streak).
    let weekends = full.horizon.weekend_days();
    h.weekends_worked = base.weekends_worked
        + weekends
            .iter()
            .filter(|w| w.iter().all(|&d| d < from))
            .filter(|w| {
                w.iter().any(|d| days.contains_key(d))
                    || (w[0] == 0
                        && base.streak_days > 0
                        && full.horizon.start.weekday() == chrono::Weekday::Sun)
            })
            .count() as u32;
    h
}

/// Drop what no rule of `p` reads for employee `e`: locked hours of weeks and months that do
/// not overlap its horizon, and the counters of rules that set no limit for `e` (C8 totals,
/// C9 shifts per type, C11 weekends, C13 assignments), and the last shift's type when no
/// shift type has a "cannot follow" list. Both modes prune the same way, so their histories
/// compare equal — and the empty-slots locked context stays small.
pub(crate) fn prune(h: &mut EmployeeHistory, p: &Problem, e: EmployeeIdx) {
    let weeks: BTreeSet<_> = p.horizon.weeks().into_iter().map(|(w, _)| w).collect();
    let months: BTreeSet<_> = p.horizon.months().into_iter().map(|(m, _)| m).collect();
    h.weekly_minutes.retain(|w, m| weeks.contains(w) && *m > 0);
    h.monthly_minutes
        .retain(|k, m| months.contains(k) && *m > 0);
    h.shifts_per_type.retain(|_, n| *n > 0);
    let c = &p.employees[e.ix()].contract;
    // A rule limits `e` when it is on and the contract or the rule's parameters give a limit
    // (the catalog's limits have no defaults: an absent parameter is no limit).
    let limits = |id: RuleId, contract: bool| {
        p.rules.is_on(id)
            && (contract
                || p.rules.resolved.get(&id).is_some_and(|v| {
                    v.as_object()
                        .is_some_and(|o| o.values().any(|x| !is_empty_json(x)))
                }))
    };
    let c8 = c.max_total_minutes.is_some()
        || c.min_total_minutes.is_some()
        || c.max_monthly_minutes.is_some();
    if !limits(RuleId::C8, c8) {
        h.horizon_minutes = 0;
        h.monthly_minutes.clear();
    }
    if !limits(RuleId::C9, !c.max_shifts_per_type.is_empty()) {
        h.shifts_per_type.clear();
    }
    if !limits(RuleId::C11, c.max_weekends.is_some()) {
        h.weekends_worked = 0;
    }
    if !limits(RuleId::C13, c.max_assignments.is_some()) {
        h.assignments = 0;
    }
    if p.shift_types.iter().all(|t| t.cannot_follow.is_empty()) {
        h.last_shift = None;
    }
    // The last shift's end matters to C4 only while a shift of the window could start within
    // the minimum rest of it (the earliest start on day 0 is the earliest of all). Kept when
    // its type is kept: the reader derives the end from the type otherwise.
    if let (Some(end), None) = (h.last_shift_end, h.last_shift) {
        let rest = c.min_rest_minutes.map(i64::from).or_else(|| {
            p.rules
                .resolved
                .get(&RuleId::C4)
                .and_then(|v| v.get("minRestHours"))
                .and_then(serde_json::Value::as_f64)
                .map(|hours| (hours * 60.0).round() as i64)
        });
        let earliest = p.shift_types.iter().filter_map(|t| t.start_minute).min();
        let clear = match (rest, earliest) {
            (Some(r), Some(s)) => i64::from(s) - end >= r,
            (_, None) => true, // no clock times: C4 never compares against the end
            (None, Some(_)) => false,
        };
        if !p.rules.is_on(RuleId::C4) || clear {
            h.last_shift_end = None;
        }
    }
}

/// `null`, `{}` or `[]`: a parameter that sets no limit.
fn is_empty_json(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(o) => o.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// Hours from minutes, for the JSON locked context (exact: every minute count round-trips).
fn hours(minutes: u32) -> f64 {
    f64::from(minutes) / 60.0
}

/// The locked context entry of employee `e` of the window problem `p` (history and locked
/// shifts), in the empty-slots schema's terms; `None` when there is nothing to say.
pub(crate) fn history_json(p: &Problem, e: EmployeeIdx) -> Option<Value> {
    let h = p.history(e);
    let mut o = Map::new();
    o.insert("employeeId".into(), json!(p.employees[e.ix()].id));
    if !h.weekly_minutes.is_empty() {
        let w: Map<String, Value> = h
            .weekly_minutes
            .iter()
            .map(|(k, &m)| (k.to_string(), json!(hours(m))))
            .collect();
        o.insert("weeklyHours".into(), Value::Object(w));
    }
    if !h.monthly_minutes.is_empty() {
        let w: Map<String, Value> = h
            .monthly_minutes
            .iter()
            .map(|((y, mo), &m)| (format!("{y:04}-{mo:02}"), json!(hours(m))))
            .collect();
        o.insert("monthlyHours".into(), Value::Object(w));
    }
    if h.horizon_minutes > 0 {
        o.insert("horizonHours".into(), json!(hours(h.horizon_minutes)));
    }
    if h.streak_days > 0 {
        o.insert("consecutiveWorkingDays".into(), json!(h.streak_days));
    } else if let Some(n) = h.days_off_streak {
        o.insert("consecutiveDaysOff".into(), json!(n));
    }
    if let Some(end) = h.last_shift_end {
        let t = p
            .horizon
            .start
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            + Duration::minutes(end);
        o.insert(
            "lastShiftEnd".into(),
            json!(t.format("%Y-%m-%dT%H:%M").to_string()),
        );
    }
    if let Some(t) = h.last_shift {
        o.insert("lastShiftCode".into(), json!(p.shift_types[t.ix()].code));
    }
    if h.weekends_worked > 0 {
        o.insert("weekendsWorked".into(), json!(h.weekends_worked));
    }
    if h.rotation_offset > 0 {
        o.insert("rotationOffset".into(), json!(h.rotation_offset));
    }
    if !h.shifts_per_type.is_empty() {
        let w: Map<String, Value> = h
            .shifts_per_type
            .iter()
            .map(|(t, &n)| (p.shift_types[t.ix()].code.clone(), json!(n)))
            .collect();
        o.insert("shiftsPerType".into(), Value::Object(w));
    }
    if h.assignments > 0 {
        o.insert("assignmentCount".into(), json!(h.assignments));
    }
    let mut per_day: BTreeMap<Day, Vec<&str>> = BTreeMap::new();
    for f in p.locked.fixed.iter().filter(|f| f.employee == e) {
        per_day
            .entry(f.day)
            .or_default()
            .push(&p.shift_types[f.shift.ix()].code);
    }
    if let Some(&last) = per_day.keys().next_back() {
        let s: Vec<String> = (0..=last)
            .map(|d| per_day.get(&d).map(|v| v.join("+")).unwrap_or_default())
            .collect();
        o.insert("lockedShifts".into(), json!(s.join(",")));
    }
    (o.len() > 1).then_some(Value::Object(o))
}

/// Locked shifts from a `lockedShifts` string ("D,D,,N+E"): `(day, code)` pairs.
pub(crate) fn parse_locked_shifts(s: &str) -> Vec<(Day, &str)> {
    s.split(',')
        .enumerate()
        .flat_map(|(d, codes)| {
            codes
                .split('+')
                .filter(|c| !c.is_empty())
                .map(move |c| (d as Day, c))
        })
        .collect()
}

/// Per employee of the window problem `p`: whether it stays in the pool. An employee stays
/// when it could fill some slot ([`could_fill`], the model's own column filter) or when its locked work alone already breaks
/// a hard rule (so that the window problem stays infeasible, with its explanation). Everyone
/// else can only ever work its locked shifts: leaving it out changes no decision, only drops
/// the constant soft penalties of its locked work from the objective (both modes trim the
/// same way, so they still agree). Nothing is trimmed without slots, nor when nobody could
/// fill one (a request needs an employee; the window problem then shows why the slots stay
/// empty).
pub(crate) fn pool_keep(p: &Problem) -> Vec<bool> {
    let everyone = vec![true; p.employees.len()];
    if p.slots.is_empty() {
        return everyone;
    }
    let locked = Schedules::with_fixed(p);
    let report = crate::check::check(p, &Roster::default(), &crate::scoring::FallbackScorer);
    let broken: BTreeSet<&str> = report
        .hard_violations
        .iter()
        .filter_map(|v| v.employee_id.as_deref())
        .collect();
    let keep: Vec<bool> = (0..p.employees.len())
        .map(|i| {
            let e = EmployeeIdx(i as u32);
            broken.contains(p.employees[i].id.as_str())
                || (0..p.slots.len()).any(|s| could_fill(p, &locked, e, SlotIdx(s as u32)))
        })
        .collect();
    if keep.iter().any(|&k| k) {
        keep
    } else {
        everyone
    }
}

/// Leave out of the window problem `p` the employees [`pool_keep`] does not keep (with their
/// history and locked shifts); returns their ids, in pool order.
pub(crate) fn trim_pool(p: &mut Problem) -> Vec<String> {
    let keep = pool_keep(p);
    if keep.iter().all(|&k| k) {
        return Vec::new();
    }
    let mut new_index = vec![None; keep.len()];
    let mut n = 0u32;
    for (i, &k) in keep.iter().enumerate() {
        if k {
            new_index[i] = Some(EmployeeIdx(n));
            n += 1;
        }
    }
    let dropped = (0..keep.len())
        .filter(|&i| !keep[i])
        .map(|i| p.employees[i].id.clone())
        .collect();
    let mut i = 0;
    p.employees.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    let mut i = 0;
    p.locked.history.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    p.locked
        .fixed
        .retain_mut(|f| match new_index[f.employee.ix()] {
            Some(e) => {
                f.employee = e;
                true
            }
            None => false,
        });
    dropped
}

/// Fixed assignments sorted (employee, day, shift), the order both modes use.
pub(crate) fn sort_fixed(fixed: &mut [FixedAssignment]) {
    fixed.sort_by_key(|f| (f.employee, f.day, f.shift));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::request;

    fn problem(days: u32, locked: Option<Value>) -> Problem {
        let mut req = request(2, days, 1);
        if let Some(l) = locked {
            req["lockedContext"] = json!({"employeeAssignments": [l]});
        }
        crate::input::request_from_value(&req).expect("valid")
    }

    /// The history computed from locked shifts survives the JSON of the empty-slots mode:
    /// written by `history_json`, read back by the request's own locked-context reader.
    #[test]
    fn rolled_history_round_trips_through_json() {
        // From Wednesday 2025-12-03 (day 2), E0 has N on Mon 1st and D on Tue 2nd … but N
        // ends 06:00 on the 2nd: use D on the 1st and N on the 2nd (ends 06:00 on the 3rd).
        let full = problem(
            14,
            Some(json!({"employeeId": "E0", "consecutiveWorkingDays": 2})),
        );
        let (d, n) = (
            full.shift_by_code("D").unwrap(),
            full.shift_by_code("N").unwrap(),
        );
        let from = 2;
        let keep = [EmployeeIdx(0), EmployeeIdx(1)];
        let mut sub = restrict(&full, from, &keep);
        let mut h = roll_history(&full, EmployeeIdx(0), &[(0, d), (1, n)], from);
        assert_eq!((h.last_shift, h.assignments), (Some(n), 2));
        prune(&mut h, &sub, EmployeeIdx(0));
        // No "cannot follow" lists and no C13 limit: nothing reads these.
        assert_eq!((h.last_shift, h.assignments), (None, 0));
        assert_eq!(h.streak_days, 4, "2 locked days + the 2 before the horizon");
        assert_eq!(
            h.last_shift_end,
            Some(6 * 60),
            "06:00 on the first window day"
        );
        assert_eq!(h.weekly_minutes.values().sum::<u32>(), 16 * 60);
        sub.locked.history[0] = h.clone();
        sub.locked.fixed.push(FixedAssignment {
            employee: EmployeeIdx(0),
            day: 3,
            shift: d,
            slot: None,
        });
        let entry = history_json(&sub, EmployeeIdx(0)).expect("something to say");
        assert_eq!(entry["lockedShifts"], ",,,D");
        assert_eq!(history_json(&sub, EmployeeIdx(1)), None);
        let raw: crate::input::raw::RawLockedContext =
            serde_json::from_value(json!({"employeeAssignments": [entry]})).unwrap();
        let back = crate::input::locked_history(&raw, &sub).expect("valid");
        let mut expected = h;
        // Counters C9/C13 travel in the empty-slots fields, not the fresh request's.
        expected.shifts_per_type.clear();
        expected.assignments = 0;
        assert_eq!(back[0], expected);
    }

    /// Hard violations naming employee `e` on `p` with `roster`, as (rule, aspect, dates).
    fn hard_of(p: &Problem, roster: &Roster, e: EmployeeIdx) -> Vec<String> {
        let id = &p.employees[e.ix()].id;
        crate::check::check(p, roster, &crate::scoring::FallbackScorer)
            .hard_violations
            .iter()
            .filter(|v| v.employee_id.as_ref() == Some(id))
            .map(|v| format!("{:?} {} {:?}", v.rule, v.aspect, v.dates))
            .collect()
    }

    /// The pool trimming leaves out exactly the employees who can fill no slot, and the
    /// checker agrees on every pair: a left-out employee breaks a hard rule of its own on any
    /// slot (on top of its locked work), a kept one has a slot it can fill — except the one
    /// kept because its locked work alone already breaks a rule.
    #[test]
    fn trimming_leaves_out_exactly_who_can_fill_no_slot() {
        let mut req = request(5, 7, 1);
        req["constraintList"] = json!([
            {"id": "C2", "params": {"maxHoursPerWeek": 24}},
            {"id": "C4", "params": {"minRestHours": 11}}
        ]);
        let mut p = crate::input::request_from_value(&req).expect("valid");
        let (d, n) = (p.shift_by_code("D").unwrap(), p.shift_by_code("N").unwrap());
        p.slots.retain(|s| s.day == 3); // D and N on Thursday
        let lock = |p: &mut Problem, e: u32, day: Day, shift: ShiftIdx| {
            p.locked.fixed.push(FixedAssignment {
                employee: EmployeeIdx(e),
                day,
                shift,
                slot: None,
            })
        };
        // E0: 24 h locked this week (C2 full). E1: N on Wednesday, ending 06:00 Thursday (C4
        // refuses Thursday's D, not its N). E2: unavailable on Thursday (C7). E3: free.
        // E4: 32 h locked, over the weekly cap already (kept: the window stays infeasible).
        for day in 0..3 {
            lock(&mut p, 0, day, d);
        }
        lock(&mut p, 1, 2, n);
        p.employees[2].unavailable_days = vec![3];
        for day in [0, 1, 2, 4] {
            lock(&mut p, 4, day, d);
        }
        sort_fixed(&mut p.locked.fixed);
        let keep = pool_keep(&p);
        assert_eq!(keep, [false, true, false, true, true]);
        let none = Roster::default();
        for i in 0..5u32 {
            let e = EmployeeIdx(i);
            let base = hard_of(&p, &none, e);
            let fillable: Vec<bool> = (0..p.slots.len() as u32)
                .map(|s| {
                    let one = Roster::new(vec![crate::domain::Assignment {
                        employee: e,
                        slot: SlotIdx(s),
                    }]);
                    hard_of(&p, &one, e).iter().all(|v| base.contains(v))
                })
                .collect();
            match i {
                0 | 2 => assert_eq!(fillable, [false, false], "E{i} cannot fill a slot"),
                1 => assert_eq!(fillable, [false, true], "E1 can fill the night only"),
                3 => assert_eq!(fillable, [true, true]),
                _ => assert!(!base.is_empty(), "E4's locked work breaks C2"),
            }
        }
        // The model gives a pair its locked work rules out no column: E1 gets the night only.
        let m = crate::model::ModelIr::compact(&p, &|_, _| 0.0, crate::model::BuildMode::Normal);
        let cols: Vec<(u32, u32)> = m
            .cols
            .iter()
            .filter_map(|c| match c.kind {
                crate::model::ColKind::Assign(a) => Some((a.employee.0, a.slot.0)),
                _ => None,
            })
            .collect();
        assert_eq!(cols, [(1, 1), (3, 0), (3, 1)]);
        let mut trimmed = p.clone();
        assert_eq!(trim_pool(&mut trimmed), ["E0", "E2"]);
        let ids: Vec<&str> = trimmed.employees.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["E1", "E3", "E4"]);
        assert_eq!(trimmed.locked.history.len(), 3);
        // The locked shifts follow their employees to their new indices.
        let fixed: Vec<(u32, Day)> = trimmed
            .locked
            .fixed
            .iter()
            .map(|f| (f.employee.0, f.day))
            .collect();
        assert_eq!(fixed, [(0, 2), (2, 0), (2, 1), (2, 2), (2, 4)]);
        // Trimming again leaves nobody else out: both modes trim the same pool once.
        assert!(trim_pool(&mut trimmed).is_empty());
        // Without slots nobody is left out.
        p.slots.clear();
        assert!(pool_keep(&p).iter().all(|&k| k));
    }

    /// Days off before the window: counted back to the last locked shift, or added to the
    /// request's own streak of days off when nothing was worked.
    #[test]
    fn days_off_streak_before_the_window() {
        let full = problem(
            14,
            Some(json!({"employeeId": "E0", "consecutiveDaysOff": 3})),
        );
        let d = full.shift_by_code("D").unwrap();
        let h = roll_history(&full, EmployeeIdx(0), &[(1, d)], 5);
        assert_eq!((h.streak_days, h.days_off_streak), (0, Some(3)));
        let h = roll_history(&full, EmployeeIdx(0), &[], 5);
        assert_eq!((h.streak_days, h.days_off_streak), (0, Some(8)));
        assert_eq!(h.last_shift_end, None);
    }

    /// A weekend wholly before the window counts; one split by the window start does not
    /// (C11 sees its Saturday through the streak).
    #[test]
    fn weekends_before_the_window() {
        let full = problem(14, None);
        let d = full.shift_by_code("D").unwrap();
        // Sat 6th (day 5) worked; window from Sun 7th: split weekend, not counted.
        let h = roll_history(&full, EmployeeIdx(0), &[(5, d)], 6);
        assert_eq!((h.weekends_worked, h.streak_days), (0, 1));
        // Window from Mon 8th: the weekend is wholly before it.
        let h = roll_history(&full, EmployeeIdx(0), &[(5, d)], 7);
        assert_eq!(h.weekends_worked, 1);
    }
}
