//! Calendar instants: UTC milliseconds since the Unix epoch, read from and
//! written as ISO 8601 (`2026-01-01T00:00:00.000Z`), the form of Auth0's log
//! `date` field and of `simulation.start`.
//!
//! Days ↔ civil dates use the proleptic Gregorian calendar (the days-from-civil
//! rule: years shifted to start in March, so the leap day is last). Only years
//! 1970 to 9999 are accepted: a log date never needs more.

/// Milliseconds in a day.
const DAY_MS: u64 = 86_400_000;

/// The first instant that is too late: 10000-01-01T00:00:00Z.
pub const MAX_INSTANT_MS: u64 = 253_402_300_800_000;

/// Days since 1970-01-01 of the civil date `y-m-d` (`m` 1..=12, `d` 1..=31).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of `days` since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Days in month `m` of year `y`.
fn month_days(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Writes `ms` as `YYYY-MM-DDTHH:MM:SS.sssZ` into `out` (24 bytes).
pub fn write_iso(out: &mut Vec<u8>, ms: u64) {
    let (y, mo, d) = civil_from_days((ms / DAY_MS) as i64);
    let in_day = ms % DAY_MS;
    let (h, mi, s, milli) = (
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000,
    );
    digits(out, y as u64, 4);
    out.push(b'-');
    digits(out, u64::from(mo), 2);
    out.push(b'-');
    digits(out, u64::from(d), 2);
    out.push(b'T');
    digits(out, h, 2);
    out.push(b':');
    digits(out, mi, 2);
    out.push(b':');
    digits(out, s, 2);
    out.push(b'.');
    digits(out, milli, 3);
    out.push(b'Z');
}

/// Writes the last `width` (at most 4) decimal digits of `n`, zero-padded.
fn digits(out: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut buf = [b'0'; 4];
    for i in (0..width).rev() {
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend_from_slice(&buf[..width]);
}

/// `ms` as `YYYY-MM-DDTHH:MM:SS.sssZ`.
pub fn iso(ms: u64) -> String {
    let mut out = Vec::with_capacity(24);
    write_iso(&mut out, ms);
    String::from_utf8(out).unwrap_or_default()
}

/// Accepted forms, for messages.
pub const ISO_FORMS: &str = "an ISO 8601 UTC instant from 1970 to 9999 such as \"2026-01-01T00:00:00Z\" (seconds may have up to 3 decimals; the offset must be Z or +00:00)";

/// Reads an ISO 8601 UTC instant: `YYYY-MM-DDTHH:MM:SS[.f{1,3}](Z|+00:00)`
/// (a space is accepted for the `T`, as TOML allows), years 1970 to 9999.
///
/// # Errors
/// What is wrong, in words.
pub fn parse_iso(text: &str) -> Result<u64, String> {
    let b = text.as_bytes();
    let bad = || format!("\"{text}\" is not {ISO_FORMS}");
    if b.len() < 20 || !b.is_ascii() {
        return Err(bad());
    }
    let num = |from: usize, to: usize| -> Result<u64, String> {
        let part = &text[from..to];
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse::<u64>().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let seps = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if seps.iter().any(|&(i, c)| b[i] != c) || !matches!(b[10], b'T' | b't' | b' ') {
        return Err(bad());
    }
    let (y, mo, d) = (num(0, 4)?, num(5, 7)? as u32, num(8, 10)? as u32);
    let (h, mi, s) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let mut rest = &text[19..];
    let mut milli = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 || n > 3 {
            return Err(bad());
        }
        milli = frac[..n].parse::<u64>().map_err(|_| bad())? * 10u64.pow(3 - n as u32);
        rest = &frac[n..];
    }
    if !matches!(rest, "Z" | "z" | "+00:00") {
        return Err(bad());
    }
    if !(1970..=9999).contains(&y) {
        return Err(format!("year {y} in \"{text}\" is outside 1970 to 9999"));
    }
    if !(1..=12).contains(&mo) || d == 0 || d > month_days(y as i64, mo) {
        return Err(format!("\"{text}\" is not a calendar date"));
    }
    if h > 23 || mi > 59 || s > 59 {
        return Err(format!("\"{text}\" is not a time of day"));
    }
    let days = days_from_civil(y as i64, mo, d) as u64;
    Ok(days * DAY_MS + h * 3_600_000 + mi * 60_000 + s * 1000 + milli)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_round_trip_and_match_known_dates() {
        assert_eq!(parse_iso("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse_iso("2026-01-01T00:00:00Z"), Ok(1_767_225_600_000));
        assert_eq!(parse_iso("2000-02-29T12:34:56.789Z"), Ok(951_827_696_789));
        assert_eq!(
            parse_iso("9999-12-31T23:59:59.999Z"),
            Ok(MAX_INSTANT_MS - 1)
        );
        assert_eq!(
            parse_iso("2024-01-15 10:30:00.5+00:00"),
            Ok(1_705_314_600_500)
        );
        for ms in [0, 951_827_696_789, 1_767_225_600_000, MAX_INSTANT_MS - 1] {
            assert_eq!(parse_iso(&iso(ms)), Ok(ms), "{}", iso(ms));
        }
        // Every day of four years, through a leap day and a century rule.
        for day in (0..1461).map(|d| d + 10_957) {
            let ms = day * DAY_MS + 1;
            assert_eq!(parse_iso(&iso(ms)), Ok(ms));
        }
        assert_eq!(iso(1_705_314_600_500), "2024-01-15T10:30:00.500Z");
    }

    #[test]
    fn malformed_instants_are_refused_saying_why() {
        for bad in [
            "",
            "2026-01-01",
            "2026-01-01T00:00:00",
            "2026-01-01T00:00:00+01:00",
            "2026-13-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "1969-12-31T23:59:59Z",
            "2026-01-01T00:00:00.1234Z",
            "２０２６-01-01T00:00:00Z",
        ] {
            assert!(parse_iso(bad).is_err(), "{bad}");
        }
    }
}
