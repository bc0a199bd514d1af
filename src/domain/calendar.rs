//! Calendar arithmetic for the horizon: day indices ↔ dates, ISO weeks, weekends, months.
//!
//! Every rule that groups days (weekly hours, weekends, months) goes through here, so the
//! MILP encoders and the checker agree on what "the same week" means.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use std::fmt;

use super::Day;

/// An ISO-8601 week, e.g. `2025-W50`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    /// ISO week-numbering year.
    pub year: i32,
    /// Week number, 1..=53.
    pub week: u32,
}

impl IsoWeek {
    /// The ISO week that contains `date`.
    pub fn of(date: NaiveDate) -> Self {
        let w = date.iso_week();
        IsoWeek {
            year: w.year(),
            week: w.week(),
        }
    }

    /// Parse `"2025-W50"`.
    pub fn parse(s: &str) -> Option<Self> {
        let (y, w) = s.split_once("-W")?;
        let year: i32 = y.parse().ok()?;
        let week: u32 = w.parse().ok()?;
        // Validate that the week exists in that ISO year.
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)?;
        Some(IsoWeek { year, week })
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

/// The planning horizon: `days` consecutive dates from `start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Horizon {
    /// Day 0.
    pub start: NaiveDate,
    /// Number of days (≥ 1).
    pub days: u32,
}

impl Horizon {
    /// The date of a (possibly negative) day index.
    pub fn date(&self, day: Day) -> NaiveDate {
        self.start + Duration::days(i64::from(day))
    }

    /// Last date of the horizon.
    pub fn end(&self) -> NaiveDate {
        self.date(self.days as Day - 1)
    }

    /// Day index of a date (may lie outside `0..days`).
    pub fn day_of(&self, date: NaiveDate) -> Day {
        (date - self.start).num_days() as Day
    }

    /// Day index of a date inside the horizon.
    pub fn day_in(&self, date: NaiveDate) -> Option<Day> {
        let d = self.day_of(date);
        (0..self.days as Day).contains(&d).then_some(d)
    }

    /// ISO week of a day.
    pub fn iso_week(&self, day: Day) -> IsoWeek {
        IsoWeek::of(self.date(day))
    }

    /// Days of the horizon in the ISO week of `day`.
    pub fn week_range(&self, day: Day) -> std::ops::Range<Day> {
        let monday = day - self.date(day).weekday().num_days_from_monday() as Day;
        monday.max(0)..(monday + 7).min(self.days as Day)
    }

    /// Calendar month `(year, month)` of a day.
    pub fn month(&self, day: Day) -> (i32, u32) {
        let d = self.date(day);
        (d.year(), d.month())
    }

    /// Saturday or Sunday.
    pub fn is_weekend(&self, day: Day) -> bool {
        matches!(self.date(day).weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The weekend a day belongs to, identified by the ISO week of its Saturday/Sunday
    /// (both days of one weekend share an ISO week). `None` on weekdays.
    pub fn weekend_of(&self, day: Day) -> Option<IsoWeek> {
        self.is_weekend(day).then(|| self.iso_week(day))
    }

    /// Days of the horizon grouped by ISO week, in order.
    pub fn weeks(&self) -> Vec<(IsoWeek, Vec<Day>)> {
        group_days(self, |h, d| Some(h.iso_week(d)))
    }

    /// Weekend days of the horizon grouped by weekend, in order.
    pub fn weekends(&self) -> Vec<(IsoWeek, Vec<Day>)> {
        group_days(self, |h, d| h.weekend_of(d))
    }

    /// Days of the horizon in each weekend (Saturday and/or Sunday), in order; the same
    /// grouping as [`Horizon::weekends`], by arithmetic instead of calendar look-ups, for the
    /// hot paths of the heuristics (a weekend is the weekend days of one Monday-based week).
    pub fn weekend_days(&self) -> Vec<Vec<Day>> {
        (0..self.weekend_count())
            .map(|i| self.weekend(i).collect())
            .collect()
    }

    /// Index into [`Horizon::weekend_days`] of the weekend `day` belongs to, if any.
    pub fn weekend_index(&self, day: Day) -> Option<usize> {
        let offset = self.start.weekday().num_days_from_monday() as Day;
        if day < 0 || day >= self.days as Day || (day + offset) % 7 < 5 {
            return None;
        }
        // Weeks are counted from the Monday on or before day 0; the first weekend of the
        // horizon is in week 0 unless the horizon starts after it (never: day 0 is at most a
        // Sunday, which is in week 0).
        Some(((day + offset) / 7) as usize)
    }

    /// Days of weekend `i` (an index of [`Horizon::weekend_index`]) inside the horizon, as a
    /// range: what [`Horizon::weekend_days`] holds at `i`, without allocating (the
    /// constructions ask for it once per candidate shift). Weekend `i` is the Saturday and
    /// Sunday of the `i`-th Monday-based week from the one holding day 0.
    pub fn weekend(&self, i: usize) -> std::ops::Range<Day> {
        let offset = self.start.weekday().num_days_from_monday() as Day;
        let sat = 7 * i as Day + 5 - offset;
        sat.max(0)..(sat + 2).min(self.days as Day)
    }

    /// How many weekends [`Horizon::weekend_days`] holds.
    pub fn weekend_count(&self) -> usize {
        (0..self.days as Day)
            .rev()
            .find_map(|d| self.weekend_index(d))
            .map_or(0, |i| i + 1)
    }

    /// Days of the horizon grouped by calendar month, in order.
    pub fn months(&self) -> Vec<((i32, u32), Vec<Day>)> {
        group_days(self, |h, d| Some(h.month(d)))
    }
}

fn group_days<K: PartialEq + Copy>(
    h: &Horizon,
    key: impl Fn(&Horizon, Day) -> Option<K>,
) -> Vec<(K, Vec<Day>)> {
    let mut out: Vec<(K, Vec<Day>)> = Vec::new();
    for d in 0..h.days as Day {
        let Some(k) = key(h, d) else { continue };
        match out.last_mut() {
            Some((last, days)) if *last == k => days.push(d),
            _ => out.push((k, vec![d])),
        }
    }
    out
}

/// Parse `"HH:MM"` into minutes after midnight (`24:00` allowed as an end time).
pub fn parse_clock(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    (h <= 24 && m < 60 && (h < 24 || m == 0)).then_some(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(start: &str, days: u32) -> Horizon {
        Horizon {
            start: start.parse().unwrap(),
            days,
        }
    }

    #[test]
    fn iso_week_display_and_parse_round_trip() {
        let w = IsoWeek::of("2025-12-08".parse().unwrap());
        assert_eq!(w.to_string(), "2025-W50");
        assert_eq!(IsoWeek::parse("2025-W50"), Some(w));
        assert_eq!(IsoWeek::parse("2025-W54"), None);
        assert_eq!(IsoWeek::parse("2025W50"), None);
    }

    #[test]
    fn year_boundary_week_belongs_to_iso_year() {
        // 2024-12-30 is a Monday in ISO week 2025-W01.
        assert_eq!(
            IsoWeek::of("2024-12-30".parse().unwrap()).to_string(),
            "2025-W01"
        );
    }

    #[test]
    fn weeks_split_partial_weeks_at_edges() {
        // 2025-12-04 is a Thursday: 4 days in W49, then full W50, then 1 day of W51.
        let hz = h("2025-12-04", 12);
        let weeks = hz.weeks();
        let sizes: Vec<usize> = weeks.iter().map(|(_, d)| d.len()).collect();
        assert_eq!(sizes, vec![4, 7, 1]);
        assert_eq!(weeks[0].0.to_string(), "2025-W49");
    }

    #[test]
    fn weekend_arithmetic_matches_the_calendar() {
        for (start, days) in [
            ("2025-12-01", 30),
            ("2025-12-06", 20),
            ("2025-12-07", 9),
            ("2024-12-25", 400),
            ("2025-12-01", 4),
            ("2025-12-01", 6),
        ] {
            let hz = h(start, days);
            let by_calendar: Vec<Vec<Day>> = hz.weekends().into_iter().map(|(_, d)| d).collect();
            assert_eq!(hz.weekend_days(), by_calendar, "{start}");
            assert_eq!(hz.weekend_count(), by_calendar.len(), "{start}");
            for (i, days) in by_calendar.iter().enumerate() {
                let range: Vec<Day> = hz.weekend(i).collect();
                assert_eq!(&range, days, "{start}: weekend {i}");
                assert!(days.iter().all(|&d| hz.weekend_index(d) == Some(i)));
            }
            for d in 0..days as Day {
                let i = hz.weekend_index(d);
                assert_eq!(i.is_some(), hz.is_weekend(d), "{start} day {d}");
                if let Some(i) = i {
                    assert!(by_calendar[i].contains(&d), "{start} day {d}");
                }
            }
        }
    }

    #[test]
    fn weekends_pair_saturday_and_sunday() {
        let hz = h("2025-12-01", 14); // Monday
        let we = hz.weekends();
        assert_eq!(we.len(), 2);
        assert_eq!(we[0].1, vec![5, 6]);
        assert!(!hz.is_weekend(0));
    }

    #[test]
    fn clock_parsing() {
        assert_eq!(parse_clock("08:30"), Some(510));
        assert_eq!(parse_clock("24:00"), Some(1440));
        assert_eq!(parse_clock("24:01"), None);
        assert_eq!(parse_clock("8:30"), None);
    }
}
