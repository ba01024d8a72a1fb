//! Warm-up advice (issue 13), printed on stderr by `check` and `run`: a run
//! reaches its steady state only after its longest credential lifetime (AS
//! and IdP absolute timeouts, refresh-token lifetimes) has passed once, so a
//! shorter `simulation.warmup` mixes the start-up into every figure; and a
//! measured window much shorter than that lifetime sees only part of a cycle.

use crate::scenario::Scenario;
use crate::time::{DAY, Dur};

/// A measured window shorter than this fraction of the longest lifetime is
/// called short: it holds less than a quarter of a credential cycle.
const SHORT_WINDOW_DIVISOR: u64 = 4;

/// The longest credential lifetime of the scenario and the key that sets it.
pub(super) fn longest_lifetime(s: &Scenario) -> (u64, String) {
    let mut best = (
        s.authorization_server.session.absolute_timeout,
        "authorization_server.absolute_timeout".to_string(),
    );
    let mut consider = |value: u64, key: String| {
        if value > best.0 {
            best = (value, key);
        }
    };
    for idp in &s.identity_providers {
        consider(
            idp.session.absolute_timeout,
            format!("identity_providers.{}.absolute_timeout", idp.name),
        );
    }
    for (i, app) in s.apps.iter().enumerate() {
        let rt = app.refresh_tokens;
        if rt.enabled {
            consider(
                rt.absolute_lifetime,
                format!("apps.{i}.refresh_tokens.absolute_lifetime"),
            );
        }
    }
    best
}

/// Warnings about the warm-up and the measured window, each with a
/// suggested value; empty when both are long enough.
pub(super) fn warnings(s: &Scenario) -> Vec<String> {
    let (longest, key) = longest_lifetime(s);
    let sim = &s.simulation;
    let mut out = Vec::new();
    if sim.warmup < longest {
        out.push(format!(
            "warning: simulation.warmup {} is shorter than the longest lifetime in the scenario ({key} {}): figures mix the start-up with the steady state; use --set simulation.warmup={}",
            Dur(sim.warmup),
            Dur(longest),
            Dur(longest.div_ceil(DAY) * DAY)
        ));
    }
    if sim.duration < longest / SHORT_WINDOW_DIVISOR {
        out.push(format!(
            "warning: simulation.duration {} is short against the longest lifetime ({key} {}): the measured window sees less than a quarter of a credential cycle; use --set simulation.duration={} or more",
            Dur(sim.duration),
            Dur(longest),
            Dur(longest.div_ceil(DAY) * DAY)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::from_str;

    #[test]
    fn warns_with_the_key_and_a_suggested_value_until_the_warm_up_is_long_enough() {
        let text = "[[apps]]\nname = \"a\"\nkind = \"spa_implicit\"\nrefresh_tokens = { enabled = true, absolute_lifetime = \"45d\" }\n[simulation]\nduration = \"5d\"\n";
        let s = from_str(text, "x.toml", &[]).unwrap();
        let w = warnings(&s);
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].contains("apps.0.refresh_tokens.absolute_lifetime 45d"));
        assert!(w[0].ends_with("--set simulation.warmup=45d"), "{}", w[0]);
        assert!(w[1].contains("simulation.duration 5d"));
        let long = format!("{text}warmup = \"45d\"\nduration = \"20d\"\n")
            .replace("duration = \"5d\"\n", "");
        let s = from_str(&long, "x.toml", &[]).unwrap();
        assert_eq!(warnings(&s), Vec::<String>::new());
    }
}
