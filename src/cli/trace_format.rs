//! The formats of `ssosim trace`: aligned text, a Mermaid `sequenceDiagram`,
//! and JSON lines. Each prints the user's profile first and the sessions valid
//! at the end last.
//!
//! - `text`: `TIME  FROM -> TO  WHAT` per hop, `* WHAT` per note, `= WHAT` per
//!   visit outcome.
//! - `mermaid`: participants in order of appearance (the browser first), each
//!   hop a message `FROM->>TO: TIME WHAT`, every other line a note over the
//!   browser, except sessions created and ended, noted over the actor that
//!   keeps them (the AS, the IdP, the app). `#` and `;` are written as Mermaid
//!   entities (`#35;`, `#59;`).
//! - `jsonl`: one object per line, `kind` first: `user` (the profile), then
//!   `hop` (`from`, `to`), `visit`, `outcome` (`outcome`: `anonymous`,
//!   `local_session`, `sso`, `silent`, `interactive`, `refresh_token`,
//!   `abandoned`, `renewal_failed`), `session` (`scope`) or `note`, each with
//!   `time_ms`, `time` and `what`; last `valid_sessions` (`scopes`).

use crate::metrics::stats::fmt_num;
use crate::model::{Device, LineKind, ModelConfig, ThirdPartyCookies, TraceLine, UserProfile};
use crate::scenario::Scenario;
use crate::time::Clock;
use serde::Serialize;

/// The user a trace follows, in words.
#[derive(Debug, Serialize)]
pub(super) struct Header {
    /// User id.
    pub user: u64,
    /// `K of N` when the user has several devices (`users.devices`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// The device's browser kind, when the scenario has a browser mix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    /// The device browses in a private window (`users.private_browsing_share`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub private_window: bool,
    /// Scenario name.
    pub scenario: String,
    /// Connection, as in `users.connections`.
    pub connection: String,
    /// The browser's third-party cookie policy.
    pub third_party_cookies: &'static str,
    /// The AS session cookie: `persistent` or `non_persistent`.
    pub as_cookie: &'static str,
    /// Visits per day of this user.
    pub visits_per_day: f64,
}

impl Header {
    /// The header of device `device` of user `user` of `s`, whose drawn
    /// profile is `profile`.
    pub(super) fn new(
        s: &Scenario,
        cfg: &ModelConfig,
        user: u64,
        device: Device,
        profile: UserProfile,
    ) -> Self {
        let browser = profile
            .browser
            .filter(|_| cfg.browser_mix)
            .and_then(|k| cfg.browsers.get(usize::from(k)))
            .map(|b| b.name.clone());
        Header {
            user,
            device: (device.count > 1).then(|| format!("{} of {}", device.index + 1, device.count)),
            browser,
            private_window: profile.private,
            scenario: s.name.clone(),
            connection: s.connection_name(profile.connection).to_string(),
            third_party_cookies: match profile.third_party_cookies {
                ThirdPartyCookies::Allowed => "allowed",
                ThirdPartyCookies::Blocked => "blocked",
                ThirdPartyCookies::Partitioned => "partitioned",
            },
            as_cookie: s.authorization_server.session.cookie.as_str(),
            visits_per_day: crate::metrics::stats::round4(profile.visits_per_day),
        }
    }

    /// The device, its browser kind and private window, each followed by
    /// `sep`; empty for a user's only device on no browser mix.
    fn device_words(&self, sep: &str) -> String {
        let mut out = String::new();
        if let Some(d) = &self.device {
            out += &format!("device {d}{sep}");
        }
        if let Some(b) = &self.browser {
            out += &format!("browser {b}{sep}");
        }
        if self.private_window {
            out += &format!("private window{sep}");
        }
        out
    }
}

/// Aligned text.
pub(super) fn text(h: &Header, lines: &[&TraceLine], until: u64, valid: &[String]) -> String {
    let mut out = format!(
        "user {} of {}: {}connection {}; third-party cookies {}; AS cookie {}; visit rate {}/day\n",
        h.user,
        h.scenario,
        h.device_words("; "),
        h.connection,
        h.third_party_cookies,
        h.as_cookie,
        fmt_num(h.visits_per_day)
    );
    for l in lines {
        out += &format!("{l}\n");
    }
    out += &format!("{}\n", valid_line(until, valid));
    out
}

fn valid_line(until: u64, valid: &[String]) -> String {
    format!(
        "valid sessions at {}: {} ({})",
        Clock(until),
        valid.len(),
        valid.join(", ")
    )
}

/// The actor that keeps the sessions of `scope` (`as`, `idp:<name>`, `app:<name>`).
fn keeper(scope: &str) -> &str {
    scope
        .strip_prefix("app:")
        .or_else(|| scope.strip_prefix("idp:"))
        .unwrap_or(scope)
}

/// Text made safe inside a Mermaid message or note.
fn mermaid_text(s: &str) -> String {
    s.replace('#', "#35;").replace(';', "#59;")
}

/// A Mermaid `sequenceDiagram`.
pub(super) fn mermaid(h: &Header, lines: &[&TraceLine], until: u64, valid: &[String]) -> String {
    let mut actors: Vec<&str> = vec!["browser"];
    for l in lines {
        let named: Vec<&str> = match (&l.hop, &l.kind) {
            (Some((from, to)), _) => vec![from, to],
            (None, LineKind::Session { scope }) => vec![keeper(scope)],
            _ => vec![],
        };
        for a in named {
            if !actors.contains(&a) {
                actors.push(a);
            }
        }
    }
    let id = |a: &str| format!("p{}", actors.iter().position(|x| *x == a).unwrap_or(0));
    let mut out = String::from("sequenceDiagram\n");
    for (i, a) in actors.iter().enumerate() {
        // `as` is a Mermaid keyword: every participant gets an id and a label.
        let label = if *a == "as" { "AS" } else { a };
        out += &format!("    participant p{i} as {}\n", mermaid_text(label));
    }
    out += &format!(
        "    Note over p0: user {} of {}: {}connection {}, third-party cookies {}, AS cookie {}, visit rate {}/day\n",
        h.user,
        mermaid_text(&h.scenario),
        mermaid_text(&h.device_words(", ")),
        mermaid_text(&h.connection),
        h.third_party_cookies,
        h.as_cookie,
        fmt_num(h.visits_per_day)
    );
    for l in lines {
        let what = mermaid_text(&l.what);
        let t = Clock(l.time);
        out += &match (&l.hop, &l.kind) {
            (Some((from, to)), _) => format!("    {}->>{}: {t} {what}\n", id(from), id(to)),
            (None, LineKind::Session { scope }) => {
                format!("    Note over {}: {t} {what}\n", id(keeper(scope)))
            }
            (None, _) => format!("    Note over p0: {t} {what}\n"),
        };
    }
    out += &format!(
        "    Note over p0: {}\n",
        mermaid_text(&valid_line(until, valid))
    );
    out
}

/// One JSON line of a trace.
#[derive(Serialize)]
struct JsonLine<'a> {
    kind: &'static str,
    time_ms: u64,
    time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'a str>,
    what: &'a str,
}

/// One JSON object per line.
pub(super) fn jsonl(h: &Header, lines: &[&TraceLine], until: u64, valid: &[String]) -> String {
    #[derive(Serialize)]
    struct User<'a> {
        kind: &'static str,
        #[serde(flatten)]
        header: &'a Header,
    }
    #[derive(Serialize)]
    struct Valid<'a> {
        kind: &'static str,
        time_ms: u64,
        time: String,
        scopes: &'a [String],
    }
    let mut out = json(&User {
        kind: "user",
        header: h,
    });
    for l in lines {
        let (kind, outcome, scope) = match &l.kind {
            LineKind::Hop => ("hop", None, None),
            LineKind::Visit => ("visit", None, None),
            LineKind::Outcome(o) => ("outcome", Some(o.key()), None),
            LineKind::Session { scope } => ("session", None, Some(scope.as_str())),
            LineKind::Note => ("note", None, None),
        };
        out += &json(&JsonLine {
            kind,
            time_ms: l.time,
            time: Clock(l.time).to_string(),
            from: l.hop.as_ref().map(|h| h.0.as_str()),
            to: l.hop.as_ref().map(|h| h.1.as_str()),
            outcome,
            scope,
            what: &l.what,
        });
    }
    out += &json(&Valid {
        kind: "valid_sessions",
        time_ms: until,
        time: Clock(until).to_string(),
        scopes: valid,
    });
    out
}

/// `v` as one JSON line (strings, integers and finite floats: always serializable).
fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default() + "\n"
}
