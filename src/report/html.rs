//! `report.html` and `comparison.html`: one self-contained page each.
//!
//! Charts are inlined as base64 PNG data URIs, the sequence diagram as inline
//! SVG, and the CSS sits in a `<style>` element: the page runs no script and
//! loads nothing from anywhere, so it can be mailed as is. The layout is a
//! single column that narrows to a phone's width; charts (560 px wide, drawn
//! for it) scale down to the column, so at 360 px their text is still over
//! 12 px. Metric names break only after an underscore, never mid-word.

use std::fmt::Write as _;

use base64::Engine as _;

use super::chart::{self, Rendered};
use super::comparison::{self, Points};
use super::data::{RunData, SummaryRow, scope_label};
use super::sequence::{self, SampleLogin};
use super::style;
use crate::metrics::catalog::{self, Metric, Unit};
use crate::metrics::{Cause, Family};

/// How a headline value is printed: one precision per kind of quantity, the
/// same for the value and its interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Precision {
    /// A count: whole, thousands grouped (`12,345`).
    Count,
    /// A share: percent with one decimal (`3.2%`).
    Percent,
    /// A duration in ms: whole (`1,011 ms`).
    Ms,
    /// A mean or rate: two decimals (`8.41`).
    Decimal,
}

use Precision::{Count, Decimal, Ms, Percent};

/// Headline rows: (metric, scope); what each means and how it is printed
/// come from the metric catalog.
const HEADLINE: [(Metric, &str); 22] = [
    (catalog::USERS, "all"),
    (catalog::VISITS, "all"),
    (catalog::PROTECTED_VISITS, "all"),
    (catalog::LOCAL_SESSION_HITS, "all"),
    (catalog::SSO_LOGINS, "all"),
    (catalog::INTERACTIVE_LOGINS, "all"),
    (catalog::FIRST_LOGINS, "all"),
    (catalog::REAUTHENTICATIONS, "all"),
    (catalog::REAUTH_RATE, "all"),
    (catalog::SSO_SHARE, "all"),
    (catalog::SILENT_AUTH_SUCCESSES, "all"),
    (catalog::SILENT_AUTH_LOGIN_REQUIRED, "all"),
    (catalog::PROTECTED_SILENT_LOGINS, "all"),
    (catalog::REFRESH_TOKEN_LOGINS, "all"),
    (catalog::SILENT_AUTH_FAILURE_SHARE, "all"),
    (catalog::LOGINS_ABANDONED, "all"),
    (catalog::LOGIN_LATENCY_MS_MEAN, "all"),
    (catalog::LOGIN_LATENCY_MS_P95, "all"),
    (catalog::HOPS_PER_LOGIN_MEAN, "all"),
    (catalog::SESSIONS_CREATED, "as"),
    (catalog::AUTHORIZE_REQUESTS_PER_S_PEAK, "as"),
    (catalog::TOKEN_REQUESTS_PER_S_MEAN, "as"),
];

/// The precision of `metric`: by its unit in the catalog; a name the
/// catalog does not know (a newer simulator's) is printed as a decimal.
fn precision_of(metric: &str) -> Precision {
    match catalog::describe(metric).map(|m| m.unit) {
        Some(Unit::Count) => Count,
        Some(Unit::Share) => Percent,
        Some(Unit::Ms) => Ms,
        Some(Unit::Decimal) | None => Decimal,
    }
}

/// `v` printed with precision `p`.
fn format_value(p: Precision, v: f64) -> String {
    match p {
        Count => style::number(v.round()),
        Percent => format!("{:.1}%", 100.0 * v),
        Ms => format!("{} ms", style::number(v.round())),
        Decimal => format!("{v:.2}"),
    }
}

const CSS: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f6f4; color: #1b1b1b;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.9rem; margin: 0 0 4px; line-height: 1.2; overflow-wrap: anywhere; }
h2 { font-size: 1.35rem; margin: 36px 0 12px; border-bottom: 2px solid #0072b2; padding-bottom: 4px; }
h3 { font-size: 1.05rem; margin: 18px 0 6px; }
.lead { color: #444; margin: 0 0 12px; }
dl.meta { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr));
  gap: 8px 16px; margin: 12px 0 0; padding: 12px 16px; background: #fff; border: 1px solid #ddd; border-radius: 6px; }
dl.meta div { min-width: 0; }
dl.meta dt { font-size: .8rem; color: #555; letter-spacing: .02em; overflow-wrap: anywhere; }
dl.meta dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; background: #fff; border: 1px solid #ddd; border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #eef3f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
code { font-size: .88rem; overflow-wrap: normal; word-break: normal; }
.what { color: #555; font-size: .85rem; }
.mark { color: #555; font-size: .85rem; }
p.zero { color: #555; font-size: .9rem; }
details { margin-top: 12px; }
summary { cursor: pointer; font-weight: 600; padding: 4px 0; }
figure { margin: 0 0 28px; background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px; }
.chart img, .chart svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption { margin-top: 8px; color: #333; font-size: .95rem; }
figcaption strong { display: block; color: #000; }
pre { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px;
  white-space: pre-wrap; overflow-wrap: anywhere; font-size: .85rem; line-height: 1.4; }
footer { margin-top: 40px; color: #666; font-size: .85rem; }
@media (max-width: 600px) {
  main { padding: 16px 10px 32px; }
  h1 { font-size: 1.45rem; }
  h2 { font-size: 1.15rem; }
  table { font-size: .88rem; }
  th, td { padding: 5px 6px; }
  figure { padding: 6px; }
}
"#;

/// Escapes a metric or key name and lets narrow screens wrap it after
/// underscores and dots, and nowhere else.
fn breakable(name: &str) -> String {
    escape(name).replace('_', "_<wbr>").replace('.', ".<wbr>")
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

fn foot(out: &mut String, version: Option<&str>, redraw: &str) {
    let by = version
        .map(|v| format!(" {}", escape(v)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<footer>Made by ssosim{by}; {redraw}</footer>\n</main>\n</body>\n</html>"
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

/// `row`'s value with its metric's precision.
fn shown(row: &SummaryRow) -> String {
    format_value(precision_of(&row.metric), row.value)
}

/// The interval's table cell when the run has replicas, else nothing.
fn interval_cell(row: &SummaryRow, intervals: bool) -> String {
    if intervals {
        format!("<td class=\"num\">{}</td>", interval(row))
    } else {
        String::new()
    }
}

fn interval(row: &SummaryRow) -> String {
    let p = precision_of(&row.metric);
    match row.ci95 {
        Some((lo, hi)) => format!("{} – {}", format_value(p, lo), format_value(p, hi)),
        None => "–".to_string(),
    }
}

/// A row of a metric table: name (and meaning under it), scope, value, and
/// the interval when the run has replicas.
fn metric_row(out: &mut String, row: &SummaryRow, what: Option<&str>, intervals: bool) {
    let what = what
        .map(|w| format!("<div class=\"what\">{}</div>", escape(w)))
        .unwrap_or_default();
    let interval = interval_cell(row, intervals);
    let _ = writeln!(
        out,
        "<tr><td><code>{}</code>{what}</td><td>{}</td><td class=\"num\">{}</td>{interval}</tr>",
        breakable(&row.metric),
        escape(&scope_label(&row.scope)),
        shown(row),
    );
}

/// The head of a metric table.
fn metric_head(intervals: bool) -> String {
    format!(
        "<thead><tr><th>metric</th><th>scope</th><th class=\"num\">value</th>{}</tr></thead>\n<tbody>\n",
        if intervals {
            "<th class=\"num\">95% interval</th>"
        } else {
            ""
        }
    )
}

/// Zero in this run, interval included: the metric does not apply or never
/// happened, and a row of zeros would only push the others down.
fn is_zero(row: &SummaryRow) -> bool {
    row.value == 0.0 && row.ci95.is_none_or(|(lo, hi)| lo == 0.0 && hi == 0.0)
}

fn meta_item(out: &mut String, name: &str, value: Option<String>) {
    if let Some(value) = value {
        let _ = write!(
            out,
            "<div><dt>{}</dt><dd>{}</dd></div>",
            breakable(name),
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

/// A TOML value as a reader wants it: strings bare, inline tables as
/// `key value` pairs.
fn toml_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Table(t) => t
            .iter()
            .map(|(k, v)| format!("{k} {}", toml_text(v)))
            .collect::<Vec<_>>()
            .join(", "),
        toml::Value::Array(items) => items.iter().map(toml_text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// The scalar and inline-table keys of `table` as a definition grid.
fn settings_grid(out: &mut String, table: &toml::Table) {
    out.push_str("<dl class=\"meta\">");
    for (key, value) in table {
        if matches!(value, toml::Value::Array(a) if a.is_empty()) {
            continue;
        }
        meta_item(out, key, Some(toml_text(value)));
    }
    out.push_str("</dl>\n");
}

/// The key settings of the run, from its `scenario.toml`: the authorization
/// server, the IdPs, the apps (one row each), the users and the network.
fn settings(out: &mut String, run: &RunData) {
    let Some(table) = run
        .scenario_toml
        .as_deref()
        .and_then(|t| toml::from_str::<toml::Table>(t).ok())
    else {
        return;
    };
    out.push_str("<section>\n<h2>Settings</h2>\n");
    if let Some(toml::Value::Table(t)) = table.get("authorization_server") {
        out.push_str("<h3>Authorization server</h3>\n");
        settings_grid(out, t);
    }
    if let Some(toml::Value::Table(idps)) = table.get("identity_providers") {
        for (name, idp) in idps {
            if let toml::Value::Table(t) = idp {
                let _ = writeln!(out, "<h3>Identity provider {}</h3>", escape(name));
                settings_grid(out, t);
            }
        }
    }
    if let Some(toml::Value::Array(apps)) = table.get("apps") {
        let _ = writeln!(
            out,
            "<h3>Apps ({})</h3>\n<div class=\"table-wrap\"><table>\n<thead><tr><th>app</th><th>kind</th>\
             <th>local session</th><th class=\"num\">visit share</th></tr></thead>\n<tbody>",
            apps.len()
        );
        for app in apps.iter().filter_map(toml::Value::as_table) {
            let get = |k: &str| app.get(k).map(toml_text).unwrap_or_else(|| "–".to_string());
            let local = match app.get("local_session") {
                Some(v) if get("kind") != "spa_implicit" => toml_text(v),
                _ => "none (tokens in memory)".to_string(),
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(&get("name")),
                breakable(&get("kind")),
                breakable(&local),
                escape(&get("visit_share")),
            );
        }
        out.push_str("</tbody></table></div>\n");
    }
    for (section, title) in [("users", "Users"), ("network", "Network")] {
        if let Some(toml::Value::Table(t)) = table.get(section) {
            let _ = writeln!(out, "<h3>{title}</h3>");
            settings_grid(out, t);
        }
    }
    if let Some(toml::Value::Array(events)) = table.get("events") {
        tenant_events(out, events);
    }
    out.push_str("</section>\n");
}

/// The scenario's `[[events]]`, one row each: when, what, and its other keys.
fn tenant_events(out: &mut String, events: &[toml::Value]) {
    if events.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<h3>Tenant events ({})</h3>\n<div class=\"table-wrap\"><table>\n<thead><tr><th>at (from the window's start)</th>\
         <th>kind</th><th>settings</th></tr></thead>\n<tbody>",
        events.len()
    );
    for event in events.iter().filter_map(toml::Value::as_table) {
        let get = |k: &str| {
            event
                .get(k)
                .map(toml_text)
                .unwrap_or_else(|| "–".to_string())
        };
        let rest: Vec<String> = event
            .iter()
            .filter(|(k, _)| *k != "at" && *k != "kind")
            .map(|(k, v)| format!("{k} {}", toml_text(v)))
            .collect();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
            escape(&get("at")),
            breakable(&get("kind")),
            breakable(&rest.join(", ")),
        );
    }
    out.push_str("</tbody></table></div>\n");
}

/// The headline table, leaving out rows that are zero in this run (named
/// under the table).
fn headline(out: &mut String, run: &RunData) {
    let intervals = run.meta.replicas > 1;
    out.push_str("<section>\n<h2>Headline figures</h2>\n<div class=\"table-wrap\"><table>\n");
    out.push_str(&metric_head(intervals));
    let mut zero = Vec::new();
    for (metric, scope) in HEADLINE {
        match run.summary.get(metric.name, scope) {
            Some(row) if is_zero(row) => zero.push(metric.name),
            Some(row) => metric_row(out, row, Some(metric.meaning), intervals),
            None => {}
        }
    }
    out.push_str("</tbody></table></div>\n");
    if !zero.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"zero\">Zero in this run, so left out: {}.</p>",
            zero.iter()
                .map(|m| format!("<code>{}</code>", breakable(m)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

/// "Why users typed their credentials again": the interactive logins of the
/// measured window by cause (scope `all`), each with its share of them;
/// causes with none are left out.
fn prompt_causes(out: &mut String, run: &RunData) {
    let total = run
        .summary
        .value(catalog::INTERACTIVE_LOGINS.name, "all")
        .unwrap_or(0.0);
    let rows: Vec<(Cause, &SummaryRow)> = Family::InteractiveLogins
        .rows()
        .iter()
        .filter_map(|(cause, metric)| Some((*cause, run.summary.get(metric, "all")?)))
        .filter(|(_, row)| !is_zero(row))
        .collect();
    if rows.is_empty() || total <= 0.0 {
        return;
    }
    let intervals = run.meta.replicas > 1;
    let _ = writeln!(
        out,
        "<h3>Why users typed their credentials again</h3>\n<p class=\"what\">Each of the \
         {} interactive logins of the measured window, put down to one cause: the browser's \
         first login, or what ended the credential that last kept the user logged in.</p>\n\
         <div class=\"table-wrap\"><table>\n<thead><tr><th>cause</th>\
         <th class=\"num\">interactive logins</th>{}<th class=\"num\">share</th></tr></thead>\n<tbody>",
        style::number(total.round()),
        if intervals {
            "<th class=\"num\">95% interval</th>"
        } else {
            ""
        }
    );
    for (cause, row) in rows {
        let interval = interval_cell(row, intervals);
        let _ = writeln!(
            out,
            "<tr><td>{}<div class=\"what\"><code>{}</code></div></td><td class=\"num\">{}</td>{interval}\
             <td class=\"num\">{}</td></tr>",
            escape(&chart::cause_label(cause)),
            breakable(&row.metric),
            shown(row),
            format_value(Percent, row.value / total),
        );
    }
    out.push_str("</tbody></table></div>\n");
}

/// The headline metrics per segment of users (`segments.csv`): one row per
/// segment, the reauth rate and the monthly prompts per user.
fn segments(out: &mut String, run: &RunData) {
    const COLUMNS: [(&str, &str); 4] = [
        (catalog::USERS.name, "users"),
        (catalog::REAUTH_RATE.name, "reauth rate"),
        (
            catalog::INTERACTIVE_LOGINS_PER_USER_MONTH.name,
            "interactive logins per user-month",
        ),
        (
            catalog::SILENT_AUTH_FAILURES_PER_USER_MONTH.name,
            "failed silent auth per user-month",
        ),
    ];
    let names = run.segments.names();
    if names.is_empty() {
        return;
    }
    out.push_str(
        "<h3>By segment of users</h3>\n<p class=\"what\">Users split by what is drawn once \
         per user (<code>segments.csv</code>); per user-month means over 30 days of measured time.</p>\n\
         <div class=\"table-wrap\"><table>\n<thead><tr><th>segment</th>",
    );
    for (_, head) in COLUMNS {
        let _ = write!(out, "<th class=\"num\">{}</th>", escape(head));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for name in names {
        let _ = write!(out, "<tr><td>{}</td>", breakable(name));
        for (metric, _) in COLUMNS {
            let cell = run
                .segments
                .get(name, metric)
                .map_or("–".to_string(), |r| match r.ci95 {
                    Some(_) if precision_of(metric) != Count => {
                        format!("{}<div class=\"what\">{}</div>", shown(r), interval(r))
                    }
                    _ => shown(r),
                });
            let _ = write!(out, "<td class=\"num\">{cell}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}

/// One row per app: its kind, protected visits, `reauth_rate` and `sso_share`.
fn per_app(out: &mut String, run: &RunData) {
    let apps = run.summary.apps();
    if apps.is_empty() {
        return;
    }
    let kinds: Vec<(String, String)> = run
        .scenario_toml
        .as_deref()
        .and_then(|t| toml::from_str::<toml::Table>(t).ok())
        .and_then(|t| t.get("apps").and_then(|a| a.as_array().cloned()))
        .unwrap_or_default()
        .iter()
        .filter_map(|a| {
            let name = a.get("name")?.as_str()?;
            let kind = a.get("kind")?.as_str()?;
            Some((format!("app:{name}"), kind.to_string()))
        })
        .collect();
    out.push_str(
        "<h3>Per app</h3>\n<div class=\"table-wrap\"><table>\n<thead><tr><th>app</th>\
         <th class=\"num\">protected visits</th><th class=\"num\">reauth_<wbr>rate</th>\
         <th class=\"num\">sso_<wbr>share</th></tr></thead>\n<tbody>\n",
    );
    for app in &apps {
        let kind = kinds
            .iter()
            .find(|(s, _)| s == app)
            .map(|(_, k)| format!("<div class=\"what\">{}</div>", breakable(k)))
            .unwrap_or_default();
        let cell = |metric: &str| {
            run.summary
                .get(metric, app)
                .map_or("–".to_string(), |r| match r.ci95 {
                    Some(_) => format!("{}<div class=\"what\">{}</div>", shown(r), interval(r)),
                    None => shown(r),
                })
        };
        let _ = writeln!(
            out,
            "<tr><td>{}{kind}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(app.strip_prefix("app:").unwrap_or(app)),
            cell(catalog::PROTECTED_VISITS.name),
            cell(catalog::REAUTH_RATE.name),
            cell(catalog::SSO_SHARE.name),
        );
    }
    out.push_str("</tbody></table></div>\n");
}

/// The sample user's first login as an inline SVG sequence diagram, or why
/// there is none.
fn sample(out: &mut String, login: &Result<SampleLogin, String>) {
    out.push_str("<section>\n<h2>A sample first login</h2>\n");
    match login {
        Ok(login) => {
            let _ = writeln!(
                out,
                "<figure id=\"first_login\">\n<div class=\"chart\">{}</div>\n<figcaption>\
                 <strong>First login of user {}, hop by hop</strong>{}</figcaption>\n</figure>",
                sequence::svg(login),
                login.user,
                escape(&sequence::caption(login)),
            );
        }
        Err(why) => {
            let _ = writeln!(out, "<p>No sample login: {}.</p>", escape(why));
        }
    }
    out.push_str("</section>\n");
}

/// The page of one run: what ran, its key settings, headline and per-app
/// figures, charts, a sample login, every metric, the scenario.
pub fn run_report(
    run: &RunData,
    charts: &[Rendered],
    login: &Result<SampleLogin, String>,
) -> String {
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
    let warmup = if m.warmup_ms > 0 {
        format!(" measured after a warm-up of {}", duration(m.warmup_ms))
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "<p class=\"lead\">Simulated single sign-on over {} of virtual time{warmup}: {}.</p>",
        duration(m.duration_ms),
        replicas
    );
    out.push_str("<dl class=\"meta\">");
    meta_item(&mut out, "users", m.users.map(|u| style::number(u as f64)));
    meta_item(&mut out, "virtual time", Some(duration(m.duration_ms)));
    if m.warmup_ms > 0 {
        meta_item(&mut out, "warm-up", Some(duration(m.warmup_ms)));
    }
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

    settings(&mut out, run);
    headline(&mut out, run);
    prompt_causes(&mut out, run);
    per_app(&mut out, run);
    segments(&mut out, run);
    let intervals = m.replicas > 1;
    let _ = write!(
        out,
        "<details><summary>All {} metrics of summary.csv</summary>\n<div class=\"table-wrap\"><table>\n{}",
        run.summary.rows.len(),
        metric_head(intervals)
    );
    for row in &run.summary.rows {
        metric_row(&mut out, row, None, intervals);
    }
    out.push_str("</tbody></table></div></details>\n</section>\n");

    out.push_str("<section>\n<h2>Charts</h2>\n");
    figures(&mut out, charts);
    out.push_str("</section>\n");
    super::capacity::section(&mut out, run);
    super::events::section(&mut out, run);
    sample(&mut out, login);

    out.push_str("<section>\n<h2>Scenario as run</h2>\n");
    match &run.scenario_toml {
        Some(text) => {
            let _ = writeln!(out, "<pre><code>{}</code></pre>", escape(text));
        }
        None => out.push_str("<p>The run folder has no scenario.toml.</p>\n"),
    }
    out.push_str("</section>\n");
    foot(
        &mut out,
        m.version.as_deref(),
        "<code>ssosim chart RUN_DIR</code> redraws this page and its charts from the run folder.",
    );
    out
}

/// The page of a comparison: what varied, a side-by-side table with relative
/// differences, the charts, and a link to each run's own report.
///
/// `links` holds, per run, the relative address of its `report.html` when it
/// has one.
pub fn comparison_report(
    runs: &[(String, RunData)],
    points: &Points,
    links: &[Option<String>],
    charts: &[Rendered],
) -> String {
    let mut out = String::new();
    head(&mut out, "ssosim comparison");
    out.push_str("<header>\n<h1>Comparison of runs</h1>\n");
    let varied = if points.keys.is_empty() {
        "The runs differ in more than their scenario keys can tell in a few words, so \
         they are labelled by folder."
            .to_string()
    } else {
        format!(
            "Varied: {}; every other scenario key is the same in all runs.",
            points
                .keys
                .iter()
                .map(|k| format!("<code>{}</code>", breakable(k)))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let _ = writeln!(
        out,
        "<p class=\"lead\">{} runs side by side. {varied} Intervals are 95% confidence \
         intervals where a run has replicas.</p>\n</header>",
        runs.len()
    );
    let labels: Vec<String> = points.labels.clone();
    let tables: Vec<comparison::Tables<'_>> = runs.iter().map(|(_, r)| r.into()).collect();
    let rows = comparison::compare(&labels, &tables);
    out.push_str(
        "<section>\n<h2>Headline figures</h2>\n<div class=\"table-wrap\"><table>\n<thead><tr><th>metric</th><th>scope</th>",
    );
    for label in &labels {
        let _ = write!(out, "<th class=\"num\">{}</th>", breakable(label));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    // A row every run has as zero (no silent attempt anywhere) says nothing.
    let said = |c: &comparison::Cell| {
        c.value.is_some_and(|v| {
            v.value != 0.0
                || v.ci95_low.is_some_and(|x| x != 0.0)
                || v.ci95_high.is_some_and(|x| x != 0.0)
        })
    };
    for row in rows.iter().filter(|r| r.runs.iter().any(said)) {
        let p = precision_of(&row.metric);
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td>",
            breakable(&row.metric),
            escape(&scope_label(&row.scope))
        );
        for (i, cell) in row.runs.iter().enumerate() {
            let text = match &cell.value {
                None => "–".to_string(),
                Some(v) => {
                    let mut t = format_value(p, v.value);
                    if let (Some(lo), Some(hi)) = (v.ci95_low, v.ci95_high) {
                        let _ = write!(
                            t,
                            "<div class=\"what\">{} – {}</div>",
                            format_value(p, lo),
                            format_value(p, hi)
                        );
                    }
                    let mark = comparison::mark(cell, i == 0);
                    if !mark.is_empty() {
                        let _ = write!(t, "<div class=\"mark\">{}</div>", escape(mark.trim()));
                    }
                    t
                }
            };
            let _ = write!(out, "<td class=\"num\">{text}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str(
        "</tbody></table></div>\n<p class=\"zero\">In parentheses: the relative difference \
         to the first run; * where the two 95% intervals do not overlap, or, for runs \
         paired with the first (same seed and replica count: the same random numbers \
         replica by replica), where the 95% interval of the paired difference \
         (shown after &ldquo;paired&rdquo;) excludes 0 (as <code>ssosim compare</code> \
         prints).</p>\n</section>\n<section>\n<h2>Charts</h2>\n",
    );
    figures(&mut out, charts);
    out.push_str("</section>\n<section>\n<h2>Runs</h2>\n<ul>\n");
    for (((folder, run), label), link) in runs.iter().zip(&points.labels).zip(links) {
        let name = match link {
            Some(href) => format!(
                "<a href=\"{}\"><strong>{}</strong></a>",
                escape(href),
                escape(label)
            ),
            None => format!("<strong>{}</strong>", escape(label)),
        };
        let _ = writeln!(
            out,
            "<li>{name}: folder <code>{}</code>, scenario {}, {} users, {}, {} replica(s)</li>",
            breakable(folder),
            escape(&run.meta.scenario),
            run.meta
                .users
                .map_or("?".to_string(), |u| style::number(u as f64)),
            duration(run.meta.duration_ms),
            run.meta.replicas
        );
    }
    out.push_str("</ul>\n</section>\n");
    foot(
        &mut out,
        None,
        "<code>ssosim sweep</code> and <code>ssosim compare RUN_DIR... --charts DIR</code> \
         draw this page; each run's own report is linked above.",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_precision_per_kind() {
        assert_eq!(format_value(precision_of("reauth_rate"), 0.0323), "3.2%");
        assert_eq!(format_value(precision_of("visits"), 12345.4), "12,345");
        assert_eq!(
            format_value(precision_of("login_latency_ms_mean"), 1011.2),
            "1,011 ms"
        );
        assert_eq!(
            format_value(precision_of("hops_per_login_mean"), 8.408),
            "8.41"
        );
        assert_eq!(format_value(precision_of("sso_share"), 0.925), "92.5%");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn names_break_only_at_underscores() {
        assert_eq!(breakable("reauth_rate"), "reauth_<wbr>rate");
        assert_eq!(breakable("reauthentications"), "reauthentications");
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(30 * 86_400_000), "30 d");
        assert_eq!(duration(5_400_000), "1.5 h");
        assert_eq!(duration(2_000), "2 s");
    }
}
