//! The signing time, formatted once: `YYYYMMDD'T'HHMMSS'Z'` (UTC), whose
//! first eight characters are the credential scope's date.

use std::time::{SystemTime, UNIX_EPOCH};

/// The signing time as SigV4 writes it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp([u8; 16]);

impl Stamp {
    /// Formats `time` (whole seconds; years 0 to 9999).
    pub(crate) fn new(time: SystemTime) -> Result<Stamp, String> {
        let secs = match time.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).ok(),
            Err(e) => {
                let d = e.duration();
                i64::try_from(d.as_secs())
                    .ok()
                    .map(|s| -s - i64::from(d.subsec_nanos() > 0))
            }
        };
        let secs = secs.ok_or("signing time out of range")?;
        let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
        if !(0..=9999).contains(&year) {
            return Err("signing time out of range".into());
        }
        let of_day = secs.rem_euclid(86_400);
        let mut out = *b"00000000T000000Z";
        let mut put = |at: usize, width: usize, mut n: u64| {
            for i in (at..at + width).rev() {
                out[i] = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        put(0, 4, year as u64);
        put(4, 2, u64::from(month));
        put(6, 2, u64::from(day));
        put(9, 2, (of_day / 3600) as u64);
        put(11, 2, (of_day / 60 % 60) as u64);
        put(13, 2, (of_day % 60) as u64);
        Ok(Stamp(out))
    }

    /// `YYYYMMDD'T'HHMMSS'Z'`.
    pub(crate) fn date_time(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII digits")
    }

    /// `YYYYMMDD`.
    pub(crate) fn date(&self) -> &str {
        &self.date_time()[..8]
    }

    /// `YYYY-MM-DD'T'HH:MM:SS'Z'`, SigV2's `Timestamp` (botocore's
    /// `ISO8601` format).
    pub(crate) fn iso8601(&self) -> String {
        let s = self.date_time();
        format!(
            "{}-{}-{}T{}:{}:{}Z",
            &s[..4],
            &s[4..6],
            &s[6..8],
            &s[9..11],
            &s[11..13],
            &s[13..15]
        )
    }
}

impl std::fmt::Debug for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.date_time())
    }
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (y, m, d).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}
