//! Curtois & Qu shift-scheduling instances (schedulingbenchmarks.org, "Instance1…24") to our
//! roster request.
//!
//! Why an importer rather than a second input format: the benchmark is only worth running if
//! the engine solves *the same* problem it solves for planners — same catalog, same checker.
//! So every Curtois element is mapped onto a catalog rule with exactly the benchmark's
//! meaning, and the objective of the imported request equals the benchmark's penalty:
//!
//! | Curtois | request |
//! |---|---|
//! | horizon of N days, day 0 a Monday | `planningHorizon` from [`CURTOIS_START`] (a Monday) |
//! | shift: id, minutes, shifts that cannot follow it | `shiftTypes` with `durationMinutes`, `cannotFollow`, no clock times (C4, hard) |
//! | MaxShifts per type | `contract.maxShiftsPerType` (C9, hard) |
//! | Max/MinTotalMinutes | `contract.maxTotalHours`/`minTotalHours` = minutes / 60 (C8, hard; read back to the minute) |
//! | Max/MinConsecutiveShifts | `contract.maxConsecutiveDays`/`minConsecutiveDays` (C3, hard) |
//! | MinConsecutiveDaysOff | `contract.minConsecutiveDaysOff` (C10, hard) |
//! | MaxWeekends | `contract.maxWeekends` (C11, hard) |
//! | days off | `unavailableDates` (C7, hard) |
//! | shift on/off requests with weight | `requests` ON/OFF (C12, soft, weight 1 × request weight) |
//! | cover: requirement, under and over weights | one demand item per (shift, day) with those weights (C1, soft, weight 1) |
//! | at most one shift per day | C5, hard |
//!
//! Sequence rules use the benchmark's boundary semantics, which are the catalog's defaults
//! without a locked context: a stretch touching the start or end of the horizon is never
//! too short, and the days before the horizon count as off for the maximum. Affinity is off
//! (`affinityWeight 0`): the objective is the benchmark's penalty alone.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{Duration, NaiveDate};
use serde_json::{json, Value};

/// The first day of every imported horizon: a Monday, as the benchmark requires.
pub const CURTOIS_START: NaiveDate = match NaiveDate::from_ymd_opt(2024, 1, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// A Curtois & Qu instance as read from its text file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CurtoisInstance {
    /// Horizon length in days.
    pub days: u32,
    /// Shift types in file order.
    pub shifts: Vec<CurtoisShift>,
    /// Staff in file order.
    pub staff: Vec<CurtoisStaff>,
    /// Days off: employee id → day indexes.
    pub days_off: BTreeMap<String, Vec<u32>>,
    /// Shift-on requests (penalised when not met).
    pub on_requests: Vec<CurtoisRequest>,
    /// Shift-off requests (penalised when not met).
    pub off_requests: Vec<CurtoisRequest>,
    /// Cover requirements.
    pub cover: Vec<CurtoisCover>,
}

/// `SECTION_SHIFTS` line.
#[derive(Clone, Debug, PartialEq)]
pub struct CurtoisShift {
    /// Shift id.
    pub id: String,
    /// Length in minutes.
    pub minutes: u32,
    /// Shifts that may not follow this one on the next day.
    pub cannot_follow: Vec<String>,
}

/// `SECTION_STAFF` line.
#[derive(Clone, Debug, PartialEq)]
pub struct CurtoisStaff {
    /// Employee id.
    pub id: String,
    /// Maximum shifts of each type.
    pub max_shifts: Vec<(String, u32)>,
    /// Maximum minutes over the horizon.
    pub max_total_minutes: u32,
    /// Minimum minutes over the horizon.
    pub min_total_minutes: u32,
    /// Maximum consecutive shifts (working days).
    pub max_consecutive_shifts: u32,
    /// Minimum consecutive shifts (working days).
    pub min_consecutive_shifts: u32,
    /// Minimum consecutive days off.
    pub min_consecutive_days_off: u32,
    /// Maximum working weekends.
    pub max_weekends: u32,
}

/// A shift-on or shift-off request.
#[derive(Clone, Debug, PartialEq)]
pub struct CurtoisRequest {
    /// Employee id.
    pub employee: String,
    /// Day index.
    pub day: u32,
    /// Shift id.
    pub shift: String,
    /// Penalty when the request is not met.
    pub weight: u32,
}

/// A `SECTION_COVER` line.
#[derive(Clone, Debug, PartialEq)]
pub struct CurtoisCover {
    /// Day index.
    pub day: u32,
    /// Shift id.
    pub shift: String,
    /// People required.
    pub requirement: u32,
    /// Penalty per missing person.
    pub under_weight: u32,
    /// Penalty per extra person.
    pub over_weight: u32,
}

/// A malformed Curtois file.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("line {line}: {message}")]
pub struct CurtoisError {
    /// 1-based line number (0 for whole-file problems).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

fn err(line: usize, message: impl Into<String>) -> CurtoisError {
    CurtoisError {
        line,
        message: message.into(),
    }
}

fn number<T: std::str::FromStr>(line: usize, what: &str, s: &str) -> Result<T, CurtoisError> {
    // Instance15 writes one requirement as "-0": a negative zero is zero.
    let t = match s.trim().strip_prefix('-') {
        Some(zeros) if !zeros.is_empty() && zeros.bytes().all(|b| b == b'0') => "0",
        _ => s.trim(),
    };
    t.parse().map_err(|_| {
        err(
            line,
            format!("{what} must be a non-negative integer, found {s:?}"),
        )
    })
}

fn fields<'a>(
    line: usize,
    text: &'a str,
    section: &str,
    n: usize,
) -> Result<Vec<&'a str>, CurtoisError> {
    let f: Vec<&str> = text.split(',').map(str::trim).collect();
    if f.len() != n {
        return Err(err(
            line,
            format!(
                "{section} lines have {n} comma-separated fields, found {}",
                f.len()
            ),
        ));
    }
    Ok(f)
}

/// Parse a Curtois & Qu instance file.
pub fn parse_curtois(text: &str) -> Result<CurtoisInstance, CurtoisError> {
    let mut inst = CurtoisInstance::default();
    let mut section: Option<String> = None;
    let mut horizon_seen = false;
    for (i, raw) in text.lines().enumerate() {
        let ln = i + 1;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if l.starts_with("SECTION_") {
            section = Some(l.to_string());
            continue;
        }
        let Some(sec) = section.as_deref() else {
            return Err(err(ln, "data before the first SECTION_ header"));
        };
        match sec {
            "SECTION_HORIZON" => {
                if horizon_seen {
                    return Err(err(ln, "SECTION_HORIZON holds one number"));
                }
                inst.days = number(ln, "the horizon length", l)?;
                horizon_seen = true;
            }
            "SECTION_SHIFTS" => {
                let f = fields(ln, l, sec, 3)?;
                inst.shifts.push(CurtoisShift {
                    id: f[0].to_string(),
                    minutes: number(ln, "the shift length", f[1])?,
                    cannot_follow: f[2]
                        .split('|')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect(),
                });
            }
            "SECTION_STAFF" => {
                let f = fields(ln, l, sec, 8)?;
                let mut max_shifts = Vec::new();
                for part in f[1].split('|').map(str::trim).filter(|s| !s.is_empty()) {
                    let Some((code, n)) = part.split_once('=') else {
                        return Err(err(ln, format!("MaxShifts entry {part:?} is not SHIFT=N")));
                    };
                    max_shifts.push((code.trim().to_string(), number(ln, "MaxShifts", n)?));
                }
                inst.staff.push(CurtoisStaff {
                    id: f[0].to_string(),
                    max_shifts,
                    max_total_minutes: number(ln, "MaxTotalMinutes", f[2])?,
                    min_total_minutes: number(ln, "MinTotalMinutes", f[3])?,
                    max_consecutive_shifts: number(ln, "MaxConsecutiveShifts", f[4])?,
                    min_consecutive_shifts: number(ln, "MinConsecutiveShifts", f[5])?,
                    min_consecutive_days_off: number(ln, "MinConsecutiveDaysOff", f[6])?,
                    max_weekends: number(ln, "MaxWeekends", f[7])?,
                });
            }
            "SECTION_DAYS_OFF" => {
                let f: Vec<&str> = l.split(',').map(str::trim).collect();
                let days = f[1..]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .map(|d| number(ln, "a day index", d))
                    .collect::<Result<Vec<u32>, _>>()?;
                inst.days_off
                    .entry(f[0].to_string())
                    .or_default()
                    .extend(days);
            }
            "SECTION_SHIFT_ON_REQUESTS" | "SECTION_SHIFT_OFF_REQUESTS" => {
                let f = fields(ln, l, sec, 4)?;
                let r = CurtoisRequest {
                    employee: f[0].to_string(),
                    day: number(ln, "the day", f[1])?,
                    shift: f[2].to_string(),
                    weight: number(ln, "the weight", f[3])?,
                };
                if sec == "SECTION_SHIFT_ON_REQUESTS" {
                    inst.on_requests.push(r);
                } else {
                    inst.off_requests.push(r);
                }
            }
            "SECTION_COVER" => {
                let f = fields(ln, l, sec, 5)?;
                inst.cover.push(CurtoisCover {
                    day: number(ln, "the day", f[0])?,
                    shift: f[1].to_string(),
                    requirement: number(ln, "the requirement", f[2])?,
                    under_weight: number(ln, "the under-cover weight", f[3])?,
                    over_weight: number(ln, "the over-cover weight", f[4])?,
                });
            }
            other => return Err(err(ln, format!("unknown section {other}"))),
        }
    }
    if !horizon_seen || inst.days == 0 {
        return Err(err(0, "no SECTION_HORIZON with a positive number of days"));
    }
    inst.check_references()?;
    Ok(inst)
}

impl CurtoisInstance {
    /// Every id used is declared, every day is inside the horizon: the importer never
    /// produces a request that the validator would reject for the file's own mistakes.
    fn check_references(&self) -> Result<(), CurtoisError> {
        let shifts: Vec<&str> = self.shifts.iter().map(|s| s.id.as_str()).collect();
        let staff: Vec<&str> = self.staff.iter().map(|s| s.id.as_str()).collect();
        let mut problems = String::new();
        let mut shift = |what: &str, id: &str| {
            if !shifts.contains(&id) {
                let _ = write!(problems, "; {what} names unknown shift {id:?}");
            }
        };
        for s in &self.shifts {
            for c in &s.cannot_follow {
                shift(&format!("shift {}", s.id), c);
            }
        }
        for e in &self.staff {
            for (c, _) in &e.max_shifts {
                shift(&format!("MaxShifts of {}", e.id), c);
            }
        }
        for r in self.on_requests.iter().chain(&self.off_requests) {
            shift(&format!("a request of {}", r.employee), &r.shift);
        }
        for c in &self.cover {
            shift(&format!("cover of day {}", c.day), &c.shift);
        }
        let days = self.days;
        let mut check_emp_day = |what: &str, emp: &str, day: u32| {
            if !staff.contains(&emp) {
                let _ = write!(problems, "; {what} names unknown employee {emp:?}");
            }
            if day >= days {
                let _ = write!(
                    problems,
                    "; {what} of {emp} is on day {day}, outside 0..{days}"
                );
            }
        };
        for (e, ds) in &self.days_off {
            for &d in ds {
                check_emp_day("a day off", e, d);
            }
        }
        for r in self.on_requests.iter().chain(&self.off_requests) {
            check_emp_day("a request", &r.employee, r.day);
        }
        for c in &self.cover {
            if c.day >= days {
                let _ = write!(problems, "; cover on day {} is outside 0..{days}", c.day);
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(err(0, problems.trim_start_matches("; ").to_string()))
        }
    }

    /// The roster request that means exactly this instance (see the module docs).
    pub fn to_request(&self, name: &str) -> Value {
        let date = |d: u32| (CURTOIS_START + Duration::days(i64::from(d))).to_string();
        let hours = |m: u32| json!(f64::from(m) / 60.0);
        let shift_types: Vec<Value> = self
            .shifts
            .iter()
            .map(|s| {
                json!({
                    "code": s.id,
                    "durationMinutes": s.minutes,
                    "cannotFollow": s.cannot_follow,
                })
            })
            .collect();
        // One demand item per shift type; each day's requirement and weights as listed.
        // Weights are per (day, shift) in the format, so items are split per weight pair.
        let mut items: BTreeMap<(usize, u32, u32), Vec<&CurtoisCover>> = BTreeMap::new();
        for c in &self.cover {
            let t = self
                .shifts
                .iter()
                .position(|s| s.id == c.shift)
                .unwrap_or(0);
            items
                .entry((t, c.under_weight, c.over_weight))
                .or_default()
                .push(c);
        }
        let demand_items: Vec<Value> = items
            .iter()
            .map(|(&(t, under, over), covers)| {
                let code = &self.shifts[t].id;
                let same_weights_everywhere = items.keys().filter(|k| k.0 == t).count() == 1;
                let demand_id = if same_weights_everywhere {
                    format!("cover-{code}")
                } else {
                    format!("cover-{code}-u{under}-o{over}")
                };
                let dates: Vec<String> = covers.iter().map(|c| date(c.day)).collect();
                let by_date: serde_json::Map<String, Value> = covers
                    .iter()
                    .map(|c| (date(c.day), json!(c.requirement)))
                    .collect();
                json!({
                    "demandId": demand_id,
                    "shiftCode": code,
                    "headcount": 0,
                    "dates": dates,
                    "headcountByDate": by_date,
                    "underWeight": under,
                    "overWeight": over,
                })
            })
            .collect();
        let employees: Vec<Value> = self
            .staff
            .iter()
            .map(|e| {
                let max_shifts: serde_json::Map<String, Value> = e
                    .max_shifts
                    .iter()
                    .map(|(c, n)| (c.clone(), json!(n)))
                    .collect();
                let mut off: Vec<u32> = self.days_off.get(&e.id).cloned().unwrap_or_default();
                off.sort_unstable();
                off.dedup();
                let requests: Vec<Value> = self
                    .on_requests
                    .iter()
                    .map(|r| (r, "ON"))
                    .chain(self.off_requests.iter().map(|r| (r, "OFF")))
                    .filter(|(r, _)| r.employee == e.id)
                    .map(|(r, kind)| {
                        json!({
                            "date": date(r.day),
                            "shiftCode": r.shift,
                            "type": kind,
                            "weight": r.weight,
                        })
                    })
                    .collect();
                json!({
                    "employeeId": e.id,
                    "contract": {
                        "maxShiftsPerType": max_shifts,
                        "maxTotalHours": hours(e.max_total_minutes),
                        "minTotalHours": hours(e.min_total_minutes),
                        "maxConsecutiveDays": e.max_consecutive_shifts,
                        "minConsecutiveDays": e.min_consecutive_shifts,
                        "minConsecutiveDaysOff": e.min_consecutive_days_off,
                        "maxWeekends": e.max_weekends,
                    },
                    "unavailableDates": off.iter().map(|&d| date(d)).collect::<Vec<_>>(),
                    "requests": requests,
                })
            })
            .collect();
        json!({
            "schemaVersion": "0.96",
            "planningReference": format!("curtois/{name}"),
            "planningHorizon": {
                "startDate": date(0),
                "endDate": date(self.days - 1),
            },
            "shiftTypes": shift_types,
            "demandItems": demand_items,
            "employees": employees,
            "constraintList": [
                {"id": "C1", "hard": false, "weight": 1, "params": {"allowOver": true}},
                {"id": "C2", "enabled": false},
                {"id": "C3", "hard": true},
                {"id": "C4", "hard": true, "params": {"useClockTimes": false, "useCannotFollow": true}},
                {"id": "C5", "hard": true},
                {"id": "C7", "hard": true},
                {"id": "C8", "hard": true},
                {"id": "C9", "hard": true},
                {"id": "C10", "hard": true},
                {"id": "C11", "hard": true},
                {"id": "C12", "hard": false, "weight": 1},
                {"id": "C13", "enabled": false},
            ],
            "solverConfig": {
                "method": "milp",
                "warmStart": "greedy_ml",
                "affinityWeight": 0,
                "mipGap": 0,
                "threads": 1,
                "seed": 0,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Weekday};

    const TINY: &str = "\
# comment
SECTION_HORIZON
14

SECTION_SHIFTS
D,480,
L,600,D|E
E,480,

SECTION_STAFF
A,D=14|L=3|E=0,4320,3360,5,2,2,1
B,D=14,4320,0,5,1,1,2

SECTION_DAYS_OFF
A,0,7
B,5

SECTION_SHIFT_ON_REQUESTS
A,2,D,2

SECTION_SHIFT_OFF_REQUESTS
B,3,L,3

SECTION_COVER
0,D,1,100,1
0,L,0,100,1
0,E,2,50,1
";

    #[test]
    fn start_is_a_monday() {
        assert_eq!(CURTOIS_START.weekday(), Weekday::Mon);
    }

    #[test]
    fn parses_every_section() {
        let i = parse_curtois(TINY).unwrap();
        assert_eq!(i.days, 14);
        assert_eq!(i.shifts[1].cannot_follow, vec!["D", "E"]);
        assert!(i.shifts[0].cannot_follow.is_empty());
        assert_eq!(
            i.staff[0].max_shifts,
            vec![("D".into(), 14), ("L".into(), 3), ("E".into(), 0)]
        );
        assert_eq!(i.staff[1].max_weekends, 2);
        assert_eq!(i.days_off["A"], vec![0, 7]);
        assert_eq!(i.on_requests[0].weight, 2);
        assert_eq!(i.off_requests[0].shift, "L");
        assert_eq!(i.cover.len(), 3);
        assert_eq!(i.cover[2].under_weight, 50);
    }

    #[test]
    fn request_carries_every_rule() {
        let r = parse_curtois(TINY).unwrap().to_request("Tiny");
        assert_eq!(r["planningHorizon"]["startDate"], "2024-01-01");
        assert_eq!(r["planningHorizon"]["endDate"], "2024-01-14");
        let a = &r["employees"][0];
        assert_eq!(a["contract"]["maxTotalHours"], 72.0);
        assert_eq!(a["contract"]["minTotalHours"], 56.0);
        assert_eq!(a["contract"]["maxShiftsPerType"]["E"], 0);
        assert_eq!(a["unavailableDates"], json!(["2024-01-01", "2024-01-08"]));
        assert_eq!(a["requests"][0]["type"], "ON");
        assert_eq!(r["employees"][1]["requests"][0]["type"], "OFF");
        // Zero requirements stay as slots: extra people there cost the over weight.
        let l = r["demandItems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["shiftCode"] == "L")
            .unwrap();
        assert_eq!(l["headcountByDate"]["2024-01-01"], 0);
        let e = r["demandItems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["shiftCode"] == "E")
            .unwrap();
        assert_eq!(
            (e["underWeight"].as_u64(), e["headcount"].as_u64()),
            (Some(50), Some(0))
        );
        assert_eq!(r["solverConfig"]["affinityWeight"], 0);
    }

    #[test]
    fn minutes_survive_the_hours_round_trip() {
        for m in [0u32, 1, 7, 2470, 4319, 9999] {
            let h = f64::from(m) / 60.0;
            let text = serde_json::to_string(&json!(h)).unwrap();
            let back: f64 = serde_json::from_str(&text).unwrap();
            assert_eq!((back * 60.0).round() as u32, m);
        }
    }

    #[test]
    fn malformed_files_name_the_line() {
        let bad = TINY.replace("A,2,D,2", "A,2,D");
        let e = parse_curtois(&bad).unwrap_err();
        assert!(e.message.contains("4 comma-separated"), "{e}");
        assert_eq!(e.line, 19);
        let e = parse_curtois(&TINY.replace("D,480,", "D,eight,")).unwrap_err();
        assert!(e.message.contains("shift length"), "{e}");
        let e = parse_curtois(&TINY.replace("A,2,D,2", "Z,2,D,2")).unwrap_err();
        assert!(e.message.contains("unknown employee \"Z\""), "{e}");
        let e = parse_curtois(&TINY.replace("0,E,2,50,1", "14,E,2,50,1")).unwrap_err();
        assert!(e.message.contains("outside 0..14"), "{e}");
        let e = parse_curtois("SECTION_SHIFTS\nD,480,\n").unwrap_err();
        assert!(e.message.contains("SECTION_HORIZON"), "{e}");
        let e = parse_curtois("14\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = parse_curtois(&TINY.replace("0,E,2,50,1", "0,E,-1,50,1")).unwrap_err();
        assert!(e.message.contains("non-negative"), "{e}");
    }

    #[test]
    fn negative_zero_is_zero() {
        let i = parse_curtois(&TINY.replace("0,E,2,50,1", "0,E,-0,50,1")).unwrap();
        assert_eq!(i.cover[2].requirement, 0);
    }
}
