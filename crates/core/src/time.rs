//! [`DateTime`]: timestamps and their wire formats (ISO 8601, RFC 822, epoch).
//!
//! Civil-date arithmetic follows Howard Hinnant's `days_from_civil`; it is a few
//! lines and avoids a date crate in every build.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where a client reads the current time (for signing): the system clock,
/// or a fixed or simulated one in tests (aws-sdk-rust's `TimeSource`).
#[derive(Clone)]
pub struct TimeSource(Arc<dyn Fn() -> SystemTime + Send + Sync>);

impl TimeSource {
    /// The system clock.
    pub fn system() -> TimeSource {
        TimeSource(Arc::new(SystemTime::now))
    }

    /// A clock that always says `time`.
    pub fn fixed(time: SystemTime) -> TimeSource {
        TimeSource(Arc::new(move || time))
    }

    /// A clock that asks `now`.
    pub fn new(now: impl Fn() -> SystemTime + Send + Sync + 'static) -> TimeSource {
        TimeSource(Arc::new(now))
    }

    /// The current time by this clock.
    pub fn now(&self) -> SystemTime {
        (self.0)()
    }
}

impl Default for TimeSource {
    fn default() -> Self {
        TimeSource::system()
    }
}

impl fmt::Debug for TimeSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TimeSource")
    }
}

impl PartialEq for TimeSource {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for TimeSource {}

/// A point in time with nanosecond precision, as seconds since the Unix epoch.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct DateTime {
    secs: i64,
    nanos: u32,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

impl DateTime {
    /// From whole seconds since the epoch.
    pub fn from_secs(secs: i64) -> Self {
        DateTime { secs, nanos: 0 }
    }

    /// From seconds and nanoseconds (`nanos` below 1e9).
    pub fn from_secs_and_nanos(secs: i64, nanos: u32) -> Self {
        DateTime {
            secs: secs + (nanos / 1_000_000_000) as i64,
            nanos: nanos % 1_000_000_000,
        }
    }

    /// From fractional seconds since the epoch (millisecond rounding).
    pub fn from_secs_f64(secs: f64) -> Option<Self> {
        if !secs.is_finite() || secs.abs() > 1e14 {
            return None;
        }
        let millis = (secs * 1000.0).round() as i64;
        Some(DateTime {
            secs: millis.div_euclid(1000),
            nanos: (millis.rem_euclid(1000) * 1_000_000) as u32,
        })
    }

    /// The current time.
    pub fn now() -> Self {
        SystemTime::now().into()
    }

    /// Whole seconds since the epoch.
    pub fn secs(&self) -> i64 {
        self.secs
    }

    /// Sub-second nanoseconds.
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Fractional seconds since the epoch.
    pub fn as_secs_f64(&self) -> f64 {
        self.secs as f64 + self.nanos as f64 / 1e9
    }

    fn civil(&self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400) as u32;
        let (y, m, d) = civil_from_days(days);
        (y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
    }

    /// `2014-04-29T18:30:38Z`, with `.123Z` milliseconds when not whole.
    pub fn to_iso8601(&self) -> String {
        let (y, mo, d, h, mi, s) = self.civil();
        if self.nanos == 0 {
            exact(format_args!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"))
        } else {
            let frac = format!("{:09}", self.nanos);
            let frac = frac.trim_end_matches('0');
            let frac = if frac.len() < 3 {
                &format!("{frac:0<3}")[..]
            } else {
                frac
            };
            exact(format_args!(
                "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{frac}Z"
            ))
        }
    }

    /// `Tue, 29 Apr 2014 18:30:38 GMT` (whole seconds).
    pub fn to_http_date(&self) -> String {
        let (y, mo, d, h, mi, s) = self.civil();
        let wd = WEEKDAYS[self.secs.div_euclid(86_400).rem_euclid(7) as usize];
        let mon = MONTHS[(mo - 1) as usize];
        exact(format_args!(
            "{wd}, {d:02} {mon} {y:04} {h:02}:{mi:02}:{s:02} GMT"
        ))
    }

    /// Epoch seconds as botocore writes them: integral when whole, else with
    /// millisecond precision.
    pub fn to_epoch_string(&self) -> String {
        if self.nanos == 0 {
            self.secs.to_string()
        } else {
            let s = format!("{:.3}", self.as_secs_f64());
            s.trim_end_matches('0').to_string()
        }
    }

    /// Parses any timestamp format AWS services send: ISO 8601 (with or without
    /// fraction, `Z` or offset), RFC 822/1123 HTTP dates, and epoch seconds.
    pub fn parse(text: &str) -> Option<DateTime> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        if t.bytes().all(|b| {
            b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'e' || b == b'E' || b == b'+'
        }) && !t[1..].contains('-')
        {
            return t.parse::<f64>().ok().and_then(DateTime::from_secs_f64);
        }
        if t.as_bytes()[0].is_ascii_digit() {
            return parse_iso8601(t);
        }
        parse_http_date(t)
    }
}

impl From<SystemTime> for DateTime {
    fn from(t: SystemTime) -> Self {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => DateTime::from_secs_and_nanos(d.as_secs() as i64, d.subsec_nanos()),
            Err(e) => {
                let d = e.duration();
                let mut secs = -(d.as_secs() as i64);
                let mut nanos = d.subsec_nanos();
                if nanos > 0 {
                    secs -= 1;
                    nanos = 1_000_000_000 - nanos;
                }
                DateTime { secs, nanos }
            }
        }
    }
}

impl From<DateTime> for SystemTime {
    fn from(t: DateTime) -> Self {
        if t.secs >= 0 {
            UNIX_EPOCH + Duration::new(t.secs as u64, t.nanos)
        } else {
            UNIX_EPOCH - Duration::from_secs(t.secs.unsigned_abs())
                + Duration::from_nanos(t.nanos as u64)
        }
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso8601())
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso8601())
    }
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[allow(clippy::too_many_arguments)] // the fields of a civil time
fn build(
    y: i64,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
    nanos: u32,
    offset: i64,
) -> Option<DateTime> {
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let secs = days_from_civil(y, mo, d) * 86_400 + (h * 3600 + mi * 60 + s) as i64 - offset;
    Some(DateTime { secs, nanos })
}

fn parse_iso8601(t: &str) -> Option<DateTime> {
    // YYYY-MM-DD[T ]HH:MM:SS[.fff][Z|+HH:MM|-HH:MM]
    let (date, rest) = t.split_at_checked(10)?;
    let mut dp = date.split('-');
    let y = num(dp.next()?)? as i64;
    let mo = num(dp.next()?)?;
    let d = num(dp.next()?)?;
    if rest.is_empty() {
        return build(y, mo, d, 0, 0, 0, 0, 0);
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (clock, zone) = match rest.find(['Z', 'z', '+', '-']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let (hms, frac) = match clock.split_once('.') {
        Some((a, b)) => (a, b),
        None => (clock, ""),
    };
    let mut cp = hms.split(':');
    let h = num(cp.next()?)?;
    let mi = num(cp.next()?)?;
    let s = cp.next().map(num).unwrap_or(Some(0))?;
    let nanos = if frac.is_empty() {
        0
    } else {
        let digits: String = frac.chars().take(9).collect();
        num(&digits)? * 10u32.pow(9 - digits.len() as u32)
    };
    let offset = match zone {
        "" | "Z" | "z" => 0,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let body = z[1..].replace(':', "");
            if body.len() != 4 {
                return None;
            }
            sign * (num(&body[..2])? as i64 * 3600 + num(&body[2..])? as i64 * 60)
        }
    };
    build(y, mo, d, h, mi, s, nanos, offset)
}

fn parse_http_date(t: &str) -> Option<DateTime> {
    // [Wkd, ]DD Mon YYYY HH:MM:SS[.fff] GMT
    let t = match t.split_once(", ") {
        Some((_, rest)) => rest,
        None => t,
    };
    let parts: Vec<&str> = t.split_whitespace().collect();
    if parts.len() < 4 {
        return None;
    }
    let d = num(parts[0])?;
    let mo = MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(parts[1]))? as u32
        + 1;
    let y = num(parts[2])? as i64;
    let (hms, frac) = parts[3].split_once('.').unwrap_or((parts[3], ""));
    let mut cp = hms.split(':');
    let h = num(cp.next()?)?;
    let mi = num(cp.next()?)?;
    let s = num(cp.next()?)?;
    let nanos = if frac.is_empty() {
        0
    } else {
        let digits: String = frac.chars().take(9).collect();
        num(&digits)? * 10u32.pow(9 - digits.len() as u32)
    };
    build(y, mo, d, h, mi, s, nanos, 0)
}

/// `args` formatted into a string allocated at its exact length.
///
/// `format!` grows its string by doubling, so a 20-byte timestamp holds 32
/// bytes and takes a 48-byte heap block instead of 32: in a large JSON
/// output (a listing's `LastModified` per object) that is 16 bytes per
/// timestamp. A text longer than the stack buffer (none of the formats here
/// makes one, even for an `i64` year) falls back to `format!`.
fn exact(args: fmt::Arguments<'_>) -> String {
    struct Stack {
        buf: [u8; 48],
        len: usize,
    }
    impl fmt::Write for Stack {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let end = self.len + s.len();
            let dest = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
            dest.copy_from_slice(s.as_bytes());
            self.len = end;
            Ok(())
        }
    }
    let mut stack = Stack {
        buf: [0; 48],
        len: 0,
    };
    if fmt::write(&mut stack, args).is_ok() {
        // Whole `str` pieces were copied, so the bytes are UTF-8.
        if let Ok(text) = std::str::from_utf8(&stack.buf[..stack.len]) {
            return text.to_owned();
        }
    }
    fmt::format(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_every_wire_format() {
        let t = DateTime::from_secs(1_398_796_238);
        assert_eq!(t.to_iso8601(), "2014-04-29T18:30:38Z");
        assert_eq!(t.to_http_date(), "Tue, 29 Apr 2014 18:30:38 GMT");
        assert_eq!(t.to_epoch_string(), "1398796238");
        let f = DateTime::from_secs_and_nanos(1_398_796_238, 123_000_000);
        assert_eq!(f.to_iso8601(), "2014-04-29T18:30:38.123Z");
        assert_eq!(f.to_epoch_string(), "1398796238.123");
    }

    /// Timestamps are allocated at their length (large JSON outputs hold
    /// one per object); texts too long for the stack buffer still format.
    #[test]
    fn formatted_timestamps_hold_no_spare_capacity() {
        let t = DateTime::from_secs(1_398_796_238);
        let f = DateTime::from_secs_and_nanos(1_398_796_238, 123_456_789);
        for text in [t.to_iso8601(), f.to_iso8601(), t.to_http_date()] {
            assert_eq!(text.capacity(), text.len(), "{text}");
        }
        assert_eq!(f.to_iso8601(), "2014-04-29T18:30:38.123456789Z");
        let far = DateTime::from_secs(i64::MAX / 2);
        assert!(far.to_iso8601().ends_with('Z'));
        assert!(far.to_http_date().ends_with(" GMT"));
        let mut long = String::new();
        std::fmt::Write::write_fmt(&mut long, format_args!("{:>60}", "x")).unwrap();
        assert_eq!(exact(format_args!("{:>60}", "x")), long);
    }

    #[test]
    fn parses_every_wire_format() {
        let want = DateTime::from_secs(1_398_796_238);
        for s in [
            "2014-04-29T18:30:38Z",
            "2014-04-29T18:30:38+00:00",
            "2014-04-29T20:30:38+02:00",
            "Tue, 29 Apr 2014 18:30:38 GMT",
            "1398796238",
            "1398796238.0",
        ] {
            assert_eq!(DateTime::parse(s), Some(want), "{s}");
        }
        assert_eq!(
            DateTime::parse("2014-04-29T18:30:38.5Z"),
            Some(DateTime::from_secs_and_nanos(1_398_796_238, 500_000_000))
        );
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "yesterday",
            "2014-13-01T00:00:00Z",
            "Tue, 99 Foo 2014",
            "2014-04-29T",
        ] {
            assert_eq!(DateTime::parse(s), None, "{s}");
        }
    }

    #[test]
    fn round_trips_before_the_epoch() {
        let t = DateTime::from_secs(-86_400 * 365);
        assert_eq!(t.to_iso8601(), "1969-01-01T00:00:00Z");
        assert_eq!(DateTime::parse(&t.to_iso8601()), Some(t));
    }
}
