//! The sequence diagram of one sample user's first login, for the report.
//!
//! The user is the first (lowest id) of replica 0 whose trace holds an
//! interactive login, re-simulated from the run folder's `scenario.toml` with
//! the model's trace ([`Simulator::trace`]), so the diagram depends on that
//! file alone and `ssosim chart` draws it again byte for byte. The diagram
//! spans the first visit the trace marks as served by an interactive login,
//! from the visit's start to that outcome. It is written as plain SVG text (lanes, arrows, notes),
//! inlined in `report.html`: no script, no font, nothing fetched.

use std::fmt::Write as _;

use super::data::RunData;
use super::html::escape;
use crate::model::{LineKind, ModelConfig, Outcome, Simulator, TraceLine};
use crate::time::Clock;

/// At most this many users are traced looking for one who logs in.
pub const MAX_USERS_TRACED: u64 = 200;

/// One user's first login, hop by hop.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleLogin {
    /// The user's id.
    pub user: u64,
    /// The trace lines of the visit, from its start to the page served.
    pub lines: Vec<TraceLine>,
}

/// The first login of the first user who logs in, or why there is none
/// (no `scenario.toml`, a scenario this version refuses, nobody logged in).
pub fn sample_login(run: &RunData) -> Result<SampleLogin, String> {
    let text = run
        .scenario_toml
        .as_deref()
        .ok_or("the run folder has no scenario.toml to simulate it from")?;
    let scenario = crate::scenario::from_str(text, "scenario.toml", &[])
        .map_err(|e| format!("its scenario.toml does not load ({})", e.lines().join("; ")))?;
    let cfg = ModelConfig::new(&scenario);
    let mut sim = Simulator::new(&cfg, 0);
    let users = scenario.simulation.users.min(MAX_USERS_TRACED);
    for user in 0..users {
        let end = scenario.simulation.warmup + scenario.simulation.duration;
        let (lines, _) = sim.trace(user, end);
        if let Some(lines) = first_login(&lines) {
            return Ok(SampleLogin { user, lines });
        }
    }
    Err(format!(
        "none of the first {users} users logged in during the run"
    ))
}

/// The lines of the first visit served by an interactive login: from the
/// visit's start to its outcome ("served: interactive login"), both included.
pub fn first_login(lines: &[TraceLine]) -> Option<Vec<TraceLine>> {
    let served = lines
        .iter()
        .position(|l| l.kind == LineKind::Outcome(Outcome::Interactive))?;
    let start = lines[..served]
        .iter()
        .rposition(|l| l.kind == LineKind::Visit)
        .unwrap_or(0);
    Some(lines[start..=served].to_vec())
}

/// Lane spacing, px.
const LANE: i32 = 100;
/// Left column (time since the visit started), px.
const LEFT: i32 = 62;
/// Height of one step, px.
const ROW: i32 = 30;
/// Header height (actor names), px.
const HEAD: i32 = 44;

/// The actors in order of first appearance, the browser first.
fn actors(lines: &[TraceLine]) -> Vec<String> {
    let mut out = vec!["browser".to_string()];
    for (from, to) in lines.iter().filter_map(|l| l.hop.as_ref()) {
        for a in [from, to] {
            if !out.contains(a) {
                out.push(a.clone());
            }
        }
    }
    out
}

/// The diagram as an SVG element, sized by its `viewBox` so it scales to the
/// page's width.
pub fn svg(login: &SampleLogin) -> String {
    let actors = actors(&login.lines);
    let lane_x =
        |a: &str| LEFT + LANE / 2 + LANE * actors.iter().position(|x| x == a).unwrap_or(0) as i32;
    // Wide enough for the lanes and for the longest label (about 8 px a
    // character at 15 px), which starts at the left end of its arrow.
    let label_end = login
        .lines
        .iter()
        .filter_map(|l| {
            let (from, to) = l.hop.as_ref()?;
            Some(lane_x(from).min(lane_x(to)) + 6 + 8 * l.what.chars().count() as i32)
        })
        .max()
        .unwrap_or(0);
    let width = (LEFT + LANE * actors.len() as i32).max(label_end) + 8;
    let height = HEAD + ROW * login.lines.len() as i32 + 16;
    let t0 = login.lines.first().map_or(0, |l| l.time);
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"sequence\" viewBox=\"0 0 {width} {height}\" \
         width=\"{width}\" height=\"{height}\" role=\"img\" font-family=\"sans-serif\" font-size=\"15\">\
         <title>First login of user {user}: {n} steps</title>",
        user = login.user,
        n = login.lines.len(),
    );
    let _ = write!(
        out,
        "<text x=\"4\" y=\"26\" font-weight=\"bold\" fill=\"#555\">time</text>"
    );
    for a in &actors {
        let x = lane_x(a);
        let _ = write!(
            out,
            "<text x=\"{x}\" y=\"26\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>\
             <line x1=\"{x}\" y1=\"{top}\" x2=\"{x}\" y2=\"{bottom}\" stroke=\"#bbb\" stroke-width=\"2\"/>",
            escape(a),
            top = HEAD - 8,
            bottom = height - 8,
        );
    }
    for (i, line) in login.lines.iter().enumerate() {
        let y = HEAD + ROW * i as i32 + ROW / 2 + 4;
        let since = (line.time - t0) as f64 / 1000.0;
        let _ = write!(
            out,
            "<text x=\"4\" y=\"{y}\" fill=\"#555\" font-size=\"11\">+{since:.3} s</text>"
        );
        match &line.hop {
            Some((from, to)) => {
                let (x1, x2) = (lane_x(from), lane_x(to));
                let back = x2 < x1;
                let dash = if line.what.contains("back channel") {
                    " stroke-dasharray=\"6 4\""
                } else {
                    ""
                };
                let label_x = x1.min(x2) + 6;
                let colour = if back { "#0072b2" } else { "#1b1b1b" };
                let ay = y + 6;
                // The arrowhead, a triangle whose tip touches the receiver's lane.
                let base = if back { x2 + 10 } else { x2 - 10 };
                let _ = write!(
                    out,
                    "<line class=\"hop\" x1=\"{x1}\" y1=\"{ay}\" x2=\"{base}\" y2=\"{ay}\" stroke=\"{colour}\" \
                     stroke-width=\"2\"{dash}/><polygon points=\"{x2},{ay} {base},{} {base},{}\" fill=\"{colour}\"/>\
                     <text x=\"{label_x}\" y=\"{y}\">{what}</text>",
                    ay - 5,
                    ay + 5,
                    what = escape(&line.what),
                );
            }
            None => {
                let _ = write!(
                    out,
                    "<rect x=\"{x}\" y=\"{ry}\" width=\"{w}\" height=\"{h}\" rx=\"4\" fill=\"#fff6d5\" stroke=\"#e6c200\"/>\
                     <text x=\"{tx}\" y=\"{ty}\" font-style=\"italic\">{what}</text>",
                    x = LEFT + 4,
                    ry = y - 15,
                    w = width - LEFT - 12,
                    h = ROW - 6,
                    tx = LEFT + 12,
                    ty = y + 2,
                    what = escape(&line.what),
                );
            }
        }
    }
    out.push_str("</svg>");
    out
}

/// One sentence saying what the diagram shows.
pub fn caption(login: &SampleLogin) -> String {
    let hops = login.lines.iter().filter(|l| l.hop.is_some()).count();
    let (start, end) = (
        login.lines.first().map_or(0, |l| l.time),
        login.lines.last().map_or(0, |l| l.time),
    );
    format!(
        "User {} (the first user of replica 0 who logs in), re-simulated from scenario.toml: \
         the visit of their first login, from {} to the page served {:.3} s later, {hops} \
         hops. Blue arrows are answers; dashed ones go over the back channel; yellow boxes \
         are what happens inside an actor.",
        login.user,
        Clock(start),
        (end - start) as f64 / 1000.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(time: u64, from: &str, to: &str, what: &str) -> TraceLine {
        TraceLine {
            time,
            hop: Some((from.to_string(), to.to_string())),
            what: what.to_string(),
            kind: LineKind::Hop,
        }
    }

    fn note(time: u64, what: &str, kind: LineKind) -> TraceLine {
        TraceLine {
            time,
            hop: None,
            what: what.to_string(),
            kind,
        }
    }

    #[test]
    fn the_first_login_spans_its_visit_up_to_the_page() {
        let served = |o: Outcome| LineKind::Outcome(o);
        let session = LineKind::Session {
            scope: "as".to_string(),
        };
        let lines = vec![
            note(0, "visit to shop (anonymous page)", LineKind::Visit),
            hop(40, "browser", "shop", "GET /page"),
            hop(80, "shop", "browser", "200 page"),
            note(80, "served: anonymous page", served(Outcome::Anonymous)),
            note(100, "visit to shop (protected page)", LineKind::Visit),
            hop(140, "browser", "shop", "GET /page"),
            hop(180, "shop", "browser", "302 /authorize"),
            note(190, "as session created", session),
            hop(200, "as", "browser", "302 /callback"),
            hop(240, "browser", "shop", "GET /callback"),
            hop(280, "shop", "browser", "200 page"),
            note(
                280,
                "served: interactive login",
                served(Outcome::Interactive),
            ),
            note(300, "visit to shop (protected page)", LineKind::Visit),
        ];
        let login = first_login(&lines).unwrap();
        assert_eq!(login.first().unwrap().time, 100);
        assert_eq!(login.last().unwrap().what, "served: interactive login");
        assert_eq!(login.len(), 8);
        assert_eq!(first_login(&lines[..5]), None, "no login, no diagram");
        let svg = svg(&SampleLogin {
            user: 3,
            lines: login,
        });
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<polygon").count(), 5, "one arrow per hop");
        assert!(svg.contains(">302 /callback</text>"));
    }
}
