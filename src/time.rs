//! Virtual time: integer milliseconds since the start of a run (design §1).
//!
//! Durations in scenario files are strings made of one or more `<integer><unit>`
//! parts, units `d`, `h`, `m`, `s`, `ms`, largest first (`1d12h`, `250ms`).
//! Bare numbers are refused: a duration always says its unit.

use std::fmt;

/// Milliseconds in one second, minute, hour and day.
pub const SECOND: u64 = 1_000;
/// Milliseconds in one minute.
pub const MINUTE: u64 = 60 * SECOND;
/// Milliseconds in one hour.
pub const HOUR: u64 = 60 * MINUTE;
/// Milliseconds in one day.
pub const DAY: u64 = 24 * HOUR;
/// Milliseconds in one (365-day) year, the unit of `password_resets_per_year`.
pub const YEAR: u64 = 365 * DAY;

/// The forms a duration may take, quoted in every error about one.
pub const DURATION_FORMS: &str =
    "a string such as \"250ms\", \"10s\", \"45m\", \"3h\", \"30d\" or \"1d12h\"";

/// Why a duration string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Nothing but white space.
    #[error("empty duration")]
    Empty,
    /// Digits with no unit after them (`"30"`).
    #[error("\"{0}\" has no unit")]
    MissingUnit(String),
    /// A unit that is not one of `d h m s ms`.
    #[error("\"{0}\" has an unknown unit \"{1}\"")]
    UnknownUnit(String, String),
    /// A unit with no digits before it, or any other stray character.
    #[error("\"{0}\" is not a duration")]
    Malformed(String),
    /// Units out of order or repeated (`"5m1h"`, `"1h1h"`).
    #[error("\"{0}\" repeats a unit or does not go from largest to smallest")]
    Order(String),
    /// More milliseconds than a `u64` holds.
    #[error("\"{0}\" is too long (the longest duration is about 584 million years)")]
    Overflow(String),
}

/// Parses a duration string into milliseconds.
///
/// # Errors
/// Returns a [`DurationError`] for anything but one or more `<digits><unit>` parts with
/// units from largest to smallest.
pub fn parse_duration(text: &str) -> Result<u64, DurationError> {
    let s = text.trim();
    if s.is_empty() {
        return Err(DurationError::Empty);
    }
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut total: u64 = 0;
    let mut last_rank = usize::MAX;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(DurationError::Malformed(s.to_string()));
        }
        let digits = &s[start..i];
        let unit_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit = &s[unit_start..i];
        let (rank, scale) = match unit {
            "d" => (0, DAY),
            "h" => (1, HOUR),
            "m" => (2, MINUTE),
            "s" => (3, SECOND),
            "ms" => (4, 1),
            "" if i == bytes.len() => return Err(DurationError::MissingUnit(s.to_string())),
            "" => return Err(DurationError::Malformed(s.to_string())),
            other => return Err(DurationError::UnknownUnit(s.to_string(), other.to_string())),
        };
        if last_rank != usize::MAX && rank <= last_rank {
            return Err(DurationError::Order(s.to_string()));
        }
        last_rank = rank;
        let value: u64 = digits
            .parse()
            .map_err(|_| DurationError::Overflow(s.to_string()))?;
        total = value
            .checked_mul(scale)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| DurationError::Overflow(s.to_string()))?;
    }
    Ok(total)
}

/// A duration printed in the scenario syntax, largest units first (`1d12h`, `0ms`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dur(pub u64);

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        if rest == 0 {
            return f.write_str("0ms");
        }
        for (scale, unit) in [
            (DAY, "d"),
            (HOUR, "h"),
            (MINUTE, "m"),
            (SECOND, "s"),
            (1, "ms"),
        ] {
            if rest >= scale {
                write!(f, "{}{}", rest / scale, unit)?;
                rest %= scale;
            }
        }
        Ok(())
    }
}

/// A point in virtual time printed for traces: `d+hh:mm:ss.mmm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock(pub u64);

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(
            f,
            "{}d+{:02}:{:02}:{:02}.{:03}",
            t / DAY,
            t % DAY / HOUR,
            t % HOUR / MINUTE,
            t % MINUTE / SECOND,
            t % SECOND
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_single_and_combined_units() {
        assert_eq!(parse_duration("250ms"), Ok(250));
        assert_eq!(parse_duration("10s"), Ok(10_000));
        assert_eq!(parse_duration("45m"), Ok(45 * MINUTE));
        assert_eq!(parse_duration("3h"), Ok(3 * HOUR));
        assert_eq!(parse_duration("30d"), Ok(30 * DAY));
        assert_eq!(parse_duration("1d12h"), Ok(DAY + 12 * HOUR));
        assert_eq!(
            parse_duration(" 1h30m15s5ms "),
            Ok(HOUR + 30 * MINUTE + 15_005)
        );
        assert_eq!(parse_duration("0s"), Ok(0));
    }

    #[test]
    fn refuses_bare_numbers_and_bad_units() {
        assert!(matches!(
            parse_duration("30"),
            Err(DurationError::MissingUnit(_))
        ));
        assert!(matches!(
            parse_duration("3w"),
            Err(DurationError::UnknownUnit(_, _))
        ));
        assert!(matches!(
            parse_duration("h"),
            Err(DurationError::Malformed(_))
        ));
        assert!(matches!(
            parse_duration("1.5h"),
            Err(DurationError::Malformed(_))
        ));
        assert!(matches!(
            parse_duration("-1h"),
            Err(DurationError::Malformed(_))
        ));
        assert!(matches!(
            parse_duration("5m1h"),
            Err(DurationError::Order(_))
        ));
        assert!(matches!(
            parse_duration("1h1h"),
            Err(DurationError::Order(_))
        ));
        assert_eq!(parse_duration(""), Err(DurationError::Empty));
        assert!(matches!(
            parse_duration("99999999999999999999d"),
            Err(DurationError::Overflow(_))
        ));
        assert!(matches!(
            parse_duration("300000000000d"),
            Err(DurationError::Overflow(_))
        ));
    }

    #[test]
    fn prints_what_it_parses() {
        for text in ["1d12h", "250ms", "3d", "1h0m", "2h1s3ms"] {
            let ms = parse_duration(text).unwrap();
            assert_eq!(parse_duration(&Dur(ms).to_string()), Ok(ms));
        }
        assert_eq!(Dur(DAY + 12 * HOUR).to_string(), "1d12h");
        assert_eq!(Clock(DAY + HOUR + 61_001).to_string(), "1d+01:01:01.001");
    }
}
