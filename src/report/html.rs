//! `report.html` and `comparison.html`: one self-contained page each.
//!
//! Charts are inlined as base64 PNG data URIs and the CSS sits in a `<style>`
//! element: the page loads nothing from anywhere, so it can be mailed as is.
//! The layout is a single column that narrows to a phone's width; charts
//! scale down to 640 px and no further (their text would drop under 9 px), then
//! scroll sideways inside their figure, as wide tables do.

use std::fmt::Write as _;

use base64::Engine as _;

use super::chart::Rendered;
use super::data::{RunData, SummaryRow, scope_label};
use super::style;

/// Headline rows: (metric, scope, what it means).
const HEADLINE: [(&str, &str, &str); 20] = [
    ("users", "all", "simulated users"),
    ("visits", "all", "page visits"),
    (
        "protected_visits",
        "all",
        "visits to pages that need a login",
    ),
    (
        "local_session_hits",
        "all",
        "protected visits served from the app's own session",
    ),
    (
        "sso_logins",
        "all",
        "logins with no prompt: the AS session was valid",
    ),
    (
        "interactive_logins",
        "all",
        "logins where the AS prompt was shown",
    ),
    ("first_logins", "all", "a user's first interactive login"),
    (
        "reauthentications",
        "all",
        "interactive logins after the first",
    ),
    (
        "reauth_rate",
        "all",
        "re-authentications per protected visit",
    ),
    (
        "silent_auth_successes",
        "all",
        "prompt=none answered with tokens",
    ),
    (
        "silent_auth_login_required",
        "all",
        "prompt=none answered login_required",
    ),
    (
        "protected_silent_logins",
        "all",
        "protected visits served by silent authentication",
    ),
    (
        "silent_auth_failure_share",
        "all",
        "share of silent attempts answered login_required, before-first-login ones left out",
    ),
    (
        "logins_abandoned",
        "all",
        "logins cut short (browser closed)",
    ),
    (
        "login_latency_ms_mean",
        "all",
        "mean login flow latency, ms",
    ),
    (
        "login_latency_ms_p95",
        "all",
        "95th percentile login latency, ms",
    ),
    ("hops_per_login_mean", "all", "mean hops per login"),
    ("sessions_created", "as", "AS sessions created"),
    (
        "authorize_requests_per_s_peak",
        "as",
        "busiest second at /authorize",
    ),
    (
        "token_requests_per_s_mean",
        "as",
        "mean /oauth/token requests per second",
    ),
];

const CSS: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f6f4; color: #1b1b1b;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.9rem; margin: 0 0 4px; line-height: 1.2; overflow-wrap: anywhere; }
h2 { font-size: 1.35rem; margin: 36px 0 12px; border-bottom: 2px solid #0072b2; padding-bottom: 4px; }
.lead { color: #444; margin: 0 0 12px; }
dl.meta { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr));
  gap: 8px 16px; margin: 16px 0 0; padding: 12px 16px; background: #fff; border: 1px solid #ddd; border-radius: 6px; }
dl.meta div { min-width: 0; }
dl.meta dt { font-size: .8rem; color: #555; text-transform: uppercase; letter-spacing: .03em; }
dl.meta dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; background: #fff; border: 1px solid #ddd; border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #eef3f7; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td code { font-size: .85rem; overflow-wrap: anywhere; }
td.what { color: #555; font-size: .88rem; }
details { margin-top: 12px; }
summary { cursor: pointer; font-weight: 600; padding: 4px 0; }
figure { margin: 0 0 28px; background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px; }
.chart { overflow-x: auto; }
.chart img { display: block; width: 100%; min-width: 640px; height: auto; }
figcaption { margin-top: 8px; color: #333; font-size: .95rem; }
figcaption strong { display: block; color: #000; }
pre { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px;
  overflow-x: auto; font-size: .85rem; line-height: 1.4; }
footer { margin-top: 40px; color: #666; font-size: .85rem; }
@media (max-width: 600px) {
  main { padding: 16px 10px 32px; }
  h1 { font-size: 1.45rem; }
  h2 { font-size: 1.15rem; }
  table { font-size: .85rem; }
  th, td { padding: 5px 6px; }
  td.what { display: none; }
  th.what { display: none; }
  figure { padding: 6px; }
}
"#;

/// Escapes a metric name and lets narrow screens wrap it after underscores.
fn breakable(name: &str) -> String {
    escape(name).replace('_', "_<wbr>")
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn head(out: &mut String, title: &str) {
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape(title));
    let _ = writeln!(out, "<style>{CSS}</style>\n</head>\n<body>\n<main>");
}

fn foot(out: &mut String, version: Option<&str>) {
    let by = version
        .map(|v| format!(" {}", escape(v)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<footer>Made by ssosim{by} from the CSV files of the run folder; \
         <code>ssosim chart RUN_DIR</code> redraws it.</footer>\n</main>\n</body>\n</html>"
    );
}

fn figures(out: &mut String, charts: &[Rendered]) {
    for chart in charts {
        let data = base64::engine::general_purpose::STANDARD.encode(&chart.png);
        let _ = writeln!(
            out,
            "<figure id=\"{stem}\">\n<div class=\"chart\"><img src=\"data:image/png;base64,{data}\" \
             width=\"{w}\" height=\"{h}\" alt=\"{title}\"></div>\n<figcaption><strong>{title}</strong>{caption} \
             <span class=\"files\">({stem}.png, {stem}.svg)</span></figcaption>\n</figure>",
            stem = chart.stem,
            w = chart.width,
            h = chart.height,
            title = escape(&chart.title),
            caption = escape(&chart.caption),
        );
    }
}

/// A value as shown in tables: ratios (`*_rate`, `*_share`) as percentages.
fn shown(metric: &str, v: f64) -> String {
    if metric.ends_with("_rate") || metric.ends_with("_share") {
        format!("{}%", style::significant(100.0 * v, 3))
    } else {
        style::number(v)
    }
}

fn interval(row: &SummaryRow) -> String {
    match row.ci95 {
        Some((lo, hi)) => format!("{} – {}", shown(&row.metric, lo), shown(&row.metric, hi)),
        None => "–".to_string(),
    }
}

fn metric_row(out: &mut String, row: &SummaryRow, what: Option<&str>) {
    let _ = write!(
        out,
        "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
        breakable(&row.metric),
        escape(&scope_label(&row.scope)),
        shown(&row.metric, row.value),
        interval(row),
    );
    if let Some(what) = what {
        let _ = write!(out, "<td class=\"what\">{}</td>", escape(what));
    }
    out.push_str("</tr>\n");
}

fn meta_item(out: &mut String, name: &str, value: Option<String>) {
    if let Some(value) = value {
        let _ = write!(
            out,
            "<div><dt>{}</dt><dd>{}</dd></div>",
            escape(name),
            escape(&value)
        );
    }
}

/// Virtual duration as `30 d`, `12 h`, `45 min` or `10 s`.
fn duration(ms: u64) -> String {
    let (unit, name) = match ms {
        m if m >= 86_400_000 => (86_400_000.0, "d"),
        m if m >= 3_600_000 => (3_600_000.0, "h"),
        m if m >= 60_000 => (60_000.0, "min"),
        _ => (1000.0, "s"),
    };
    format!("{} {name}", style::significant(ms as f64 / unit, 3))
}

/// The page of one run: what ran, headline table, charts, full metrics, scenario.
pub fn run_report(run: &RunData, charts: &[Rendered]) -> String {
    let m = &run.meta;
    let mut out = String::new();
    head(&mut out, &format!("ssosim report: {}", m.scenario));
    let _ = writeln!(out, "<header>\n<h1>{}</h1>", escape(&m.scenario));
    let replicas = if m.replicas > 1 {
        format!(
            "{} replicas; values are means and intervals are 95% confidence intervals",
            m.replicas
        )
    } else {
        "one replica, so no intervals".to_string()
    };
    let _ = writeln!(
        out,
        "<p class=\"lead\">Simulated single sign-on over {} of virtual time: {}.</p>",
        duration(m.duration_ms),
        replicas
    );
    out.push_str("<dl class=\"meta\">");
    meta_item(&mut out, "users", m.users.map(|u| style::number(u as f64)));
    meta_item(&mut out, "virtual time", Some(duration(m.duration_ms)));
    meta_item(&mut out, "sampled every", m.sample_every_ms.map(duration));
    meta_item(&mut out, "seed", m.seed.map(|s| s.to_string()));
    meta_item(&mut out, "replicas", Some(m.replicas.to_string()));
    meta_item(
        &mut out,
        "events",
        m.events_processed.map(|e| style::number(e as f64)),
    );
    // No wall-clock figure here: the report, like the CSVs, must be the same
    // bytes for the same scenario and seed (merged shards included); the
    // run's cost stays in run.json.
    meta_item(&mut out, "version", m.version.clone());
    meta_item(
        &mut out,
        "scenario sha256",
        m.scenario_sha256
            .as_ref()
            .map(|s| s.chars().take(12).collect()),
    );
    out.push_str("</dl>\n</header>\n");

    out.push_str("<section>\n<h2>Headline figures</h2>\n<div class=\"table-wrap\"><table>\n");
    out.push_str(
        "<thead><tr><th>metric</th><th>scope</th><th>value</th><th>95% interval</th>\
         <th class=\"what\">meaning</th></tr></thead>\n<tbody>\n",
    );
    for (metric, scope, what) in HEADLINE {
        if let Some(row) = run.summary.get(metric, scope) {
            metric_row(&mut out, row, Some(what));
        }
    }
    out.push_str("</tbody></table></div>\n");
    let _ = writeln!(
        out,
        "<details><summary>All {} metrics of summary.csv</summary>\n<div class=\"table-wrap\"><table>\n\
         <thead><tr><th>metric</th><th>scope</th><th>value</th><th>95% interval</th></tr></thead>\n<tbody>",
        run.summary.rows.len()
    );
    for row in &run.summary.rows {
        metric_row(&mut out, row, None);
    }
    out.push_str("</tbody></table></div></details>\n</section>\n");

    out.push_str("<section>\n<h2>Charts</h2>\n");
    figures(&mut out, charts);
    out.push_str("</section>\n");

    out.push_str("<section>\n<h2>Scenario as run</h2>\n");
    match &run.scenario_toml {
        Some(text) => {
            let _ = writeln!(out, "<pre><code>{}</code></pre>", escape(text));
        }
        None => out.push_str("<p>The run folder has no scenario.toml.</p>\n"),
    }
    out.push_str("</section>\n");
    foot(&mut out, m.version.as_deref());
    out
}

/// The page of a comparison: which runs, a side-by-side table, the charts.
pub fn comparison_report(runs: &[(String, RunData)], charts: &[Rendered]) -> String {
    let mut out = String::new();
    head(&mut out, "ssosim comparison");
    out.push_str("<header>\n<h1>Comparison of runs</h1>\n");
    let _ = writeln!(
        out,
        "<p class=\"lead\">{} runs side by side; intervals are 95% confidence intervals \
         where a run has replicas.</p>\n</header>",
        runs.len()
    );
    out.push_str("<section>\n<h2>Headline figures</h2>\n<div class=\"table-wrap\"><table>\n<thead><tr><th>metric</th><th>scope</th>");
    for (label, _) in runs {
        let _ = write!(out, "<th>{}</th>", escape(label));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (metric, scope, _) in HEADLINE {
        let rows: Vec<Option<&SummaryRow>> = runs
            .iter()
            .map(|(_, r)| r.summary.get(metric, scope))
            .collect();
        if rows.iter().all(Option::is_none) {
            continue;
        }
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td>",
            breakable(metric),
            escape(&scope_label(scope))
        );
        for row in rows {
            let cell = match row {
                Some(r) => match r.ci95 {
                    Some(_) => format!(
                        "{}<br><small>{}</small>",
                        shown(metric, r.value),
                        interval(r)
                    ),
                    None => shown(metric, r.value),
                },
                None => "–".to_string(),
            };
            let _ = write!(out, "<td class=\"num\">{cell}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n</section>\n<section>\n<h2>Charts</h2>\n");
    figures(&mut out, charts);
    out.push_str("</section>\n<section>\n<h2>Runs</h2>\n<ul>\n");
    for (label, run) in runs {
        let _ = writeln!(
            out,
            "<li><strong>{}</strong>: scenario {}, {} users, {}, {} replica(s)</li>",
            escape(label),
            escape(&run.meta.scenario),
            run.meta
                .users
                .map_or("?".to_string(), |u| style::number(u as f64)),
            duration(run.meta.duration_ms),
            run.meta.replicas
        );
    }
    out.push_str("</ul>\n</section>\n");
    foot(&mut out, None);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_show_as_percentages() {
        assert_eq!(shown("reauth_rate", 0.0523), "5.23%");
        assert_eq!(shown("visits", 12345.0), "12,345");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(30 * 86_400_000), "30 d");
        assert_eq!(duration(5_400_000), "1.5 h");
        assert_eq!(duration(2_000), "2 s");
    }
}
