//! The grid of a sweep (`--vary KEY=V1,V2,...`, repeatable): each key's
//! values, the cartesian product of them (first key slowest), and the
//! folder name of each point (`idle_timeout-1d_mfa-true`). `tune` names its
//! points the same way.

use super::FlagError;

/// The `--vary` error for `text`.
fn flag_error(text: &str, why: String) -> FlagError {
    FlagError {
        flag: "--vary",
        text: text.to_string(),
        why,
    }
}

/// One `--vary`: a key and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    /// The dotted scenario key.
    pub key: String,
    /// Its values, as written (TOML values).
    pub values: Vec<String>,
}

/// Splits `text` at commas that are not inside brackets, braces or quotes, so
/// that TOML arrays and inline tables can be values.
fn split_values(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let (mut depth, mut quote) = (0i32, None::<char>);
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth <= 0 => {
                parts.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current.trim().to_string());
    parts
}

/// Parses `KEY=V1,V2,...`.
///
/// # Errors
/// A [`FlagError`] for `--vary` saying what is wrong and what is accepted.
pub fn parse_vary(text: &str) -> Result<Vary, FlagError> {
    let example =
        "use --vary KEY=V1,V2,..., e.g. --vary authorization_server.idle_timeout=1h,1d,3d";
    let Some((key, values)) = text.split_once('=') else {
        return Err(flag_error(text, format!("no \"=\" in the flag; {example}")));
    };
    let key = key.trim();
    if key.is_empty() || key.split('.').any(|p| p.trim().is_empty()) {
        return Err(flag_error(
            text,
            format!("\"{key}\" is not a dotted key; {example}"),
        ));
    }
    let values = split_values(values);
    if values.iter().any(String::is_empty) {
        return Err(flag_error(
            text,
            format!("an empty value; give one or more comma-separated values, {example}"),
        ));
    }
    for (i, v) in values.iter().enumerate() {
        if values[..i].contains(v) {
            return Err(flag_error(
                text,
                format!("the value {v} is given twice; give each value once"),
            ));
        }
    }
    Ok(Vary {
        key: key.to_string(),
        values,
    })
}

/// For each key, the shortest suffix of its dotted parts that no other key ends with.
pub fn labels(keys: &[&str]) -> Vec<String> {
    let parts: Vec<Vec<&str>> = keys.iter().map(|k| k.split('.').collect()).collect();
    parts
        .iter()
        .map(|mine| {
            let suffix = |p: &[&str], n: usize| p[p.len().saturating_sub(n)..].join(".");
            (1..=mine.len())
                .map(|n| suffix(mine, n))
                .find(|s| {
                    parts
                        .iter()
                        .filter(|other| suffix(other, s.matches('.').count() + 1) == *s)
                        .count()
                        == 1
                })
                .unwrap_or_else(|| mine.join("."))
        })
        .collect()
}

/// A value made safe as part of a folder name.
fn safe(value: &str) -> String {
    let mut s: String = value
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if s.starts_with('.') || s.is_empty() {
        s.insert(0, '_');
    }
    s
}

/// Folder names of the points, unique.
pub fn point_names(labels: &[String], points: &[Vec<String>]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for values in points {
        let base = labels
            .iter()
            .zip(values)
            .map(|(l, v)| format!("{}-{}", safe(l), safe(v)))
            .collect::<Vec<_>>()
            .join("_");
        let mut name = base.clone();
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        names.push(name);
    }
    names
}

/// The cartesian product, first key slowest.
pub fn grid(varies: &[Vary]) -> Vec<Vec<String>> {
    let mut points: Vec<Vec<String>> = vec![Vec::new()];
    for v in varies {
        points = points
            .iter()
            .flat_map(|p| {
                v.values.iter().map(move |x| {
                    let mut q = p.clone();
                    q.push(x.clone());
                    q
                })
            })
            .collect();
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_split_at_top_level_commas() {
        assert_eq!(split_values("1h, 1d,3d"), ["1h", "1d", "3d"]);
        assert_eq!(
            split_values("{ password = 0.5, facebook = 0.5 },{ password = 1.0 }"),
            ["{ password = 0.5, facebook = 0.5 }", "{ password = 1.0 }"]
        );
        assert_eq!(split_values("\"a,b\",c"), ["\"a,b\"", "c"]);
    }

    #[test]
    fn labels_are_the_shortest_unique_suffix() {
        assert_eq!(
            labels(&["authorization_server.idle_timeout", "users.visits_per_day"]),
            ["idle_timeout", "visits_per_day"]
        );
        assert_eq!(
            labels(&[
                "authorization_server.idle_timeout",
                "identity_providers.facebook.idle_timeout"
            ]),
            ["authorization_server.idle_timeout", "facebook.idle_timeout"]
        );
    }

    #[test]
    fn names_are_safe_and_unique() {
        let labels = vec!["connections".to_string()];
        let points = vec![
            vec!["{ a = 1 }".to_string()],
            vec!["{_a_=_1_}".to_string()],
            vec!["..".to_string()],
        ];
        assert_eq!(
            point_names(&labels, &points),
            [
                "connections-__a___1__",
                "connections-__a___1__-2",
                "connections-_.."
            ]
        );
    }

    #[test]
    fn vary_refusals() {
        assert!(parse_vary("a.b").is_err());
        assert!(parse_vary("=1,2").is_err());
        assert!(parse_vary("a..b=1").is_err());
        assert!(parse_vary("a.b=1,,2").is_err());
        assert!(parse_vary("a.b=1,1").is_err());
        assert_eq!(parse_vary("a.b=1,2").unwrap().values, ["1", "2"]);
    }
}
