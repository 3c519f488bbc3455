//! The clock, behind a trait so tests can pin or move time (discount windows, card expiry,
//! token and session lifetimes). The store binds it as `$now` into every query, so SurrealQL
//! and Rust read the same time.

use std::fmt::Debug;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What time it is.
pub trait Clock: Send + Sync + Debug {
    /// Microseconds since the Unix epoch.
    fn now_micros(&self) -> i64;

    /// Seconds since the Unix epoch.
    fn now_unix(&self) -> i64 {
        self.now_micros().div_euclid(1_000_000)
    }

    /// Today's (year, month) in UTC.
    fn year_month(&self) -> (u32, u32) {
        let (year, month, _) = civil_from_days(self.now_unix().div_euclid(86_400));
        (u32::try_from(year).unwrap_or(0), u32::try_from(month).unwrap_or(1))
    }
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_micros(&self) -> i64 {
        system_micros()
    }
}

fn system_micros() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

/// A clock stopped at one instant (unix seconds), for tests.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now_micros(&self) -> i64 {
        self.0.saturating_mul(1_000_000)
    }
}

/// The system clock moved by an offset a test sets: time runs, and `advance` jumps it forward
/// (a session left idle for a month, a link past its expiry) without back-dating rows.
#[derive(Debug, Default)]
pub struct MovableClock {
    offset_micros: AtomicI64,
}

impl MovableClock {
    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let micros = i64::try_from(by.as_micros()).unwrap_or(i64::MAX);
        self.offset_micros.fetch_add(micros, Ordering::SeqCst);
    }
}

impl Clock for MovableClock {
    fn now_micros(&self) -> i64 {
        system_micros().saturating_add(self.offset_micros.load(Ordering::SeqCst))
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for unix seconds.
pub fn rfc3339(unix: i64) -> String {
    let (year, month, day) = civil_from_days(unix.div_euclid(86_400));
    let secs = unix.rem_euclid(86_400);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

/// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's civil-from-days).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_and_month_come_from_the_epoch_seconds() {
        assert_eq!(FixedClock(0).year_month(), (1970, 1));
        assert_eq!(FixedClock(1_795_651_200).year_month(), (2026, 11)); // 2026-11-26
        assert_eq!(FixedClock(951_782_400).year_month(), (2000, 2)); // 2000-02-29
        assert_eq!(FixedClock(951_868_800).year_month(), (2000, 3)); // 2000-03-01
    }

    #[test]
    fn a_movable_clock_runs_and_jumps_forward() {
        let clock = MovableClock::default();
        let before = SystemClock.now_unix();
        clock.advance(Duration::from_secs(86_400));
        let moved = clock.now_unix() - before;
        assert!((86_400..86_460).contains(&moved), "moved {moved} s");
    }

    #[test]
    fn rfc3339_prints_utc_seconds() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400 + 3_661), "2000-02-29T01:01:01Z");
    }
}
