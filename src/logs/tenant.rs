//! Who and where, in a log event: the tenant (name, hostname, environment),
//! its applications (`client_id`, `client_name`), its connections
//! (`connection`, `connection_id`, `strategy`, `strategy_type`) and each
//! user's identity (`user_id`, `user_name`, `ip`, `user_agent`, `is_mobile`).
//!
//! Rules:
//! - Tenant settings derive from the scenario alone (name, apps, identity
//!   providers, custom domain): the same in every run of it.
//! - Ids that must be unique (user ids, log ids, session ids) are built from
//!   a bijective mix of the user id (and the seed), so two users or events
//!   never share one; the rest of a user's identity (IP address, user agent)
//!   comes from the 64 random bits the model drew for the user
//!   ([`crate::model::LogRecord::identity`]).
//! - The user agent follows the device's browser kind when the scenario has
//!   a browser mix (`users.browsers`): a built-in kind's name picks that
//!   browser's agents (Brave sends Chrome's user agent, as it does on
//!   purpose); a kind the scenario defines, or the legacy cookie shares,
//!   pick from every agent.
//! - The password connection is Auth0's default database connection,
//!   `Username-Password-Authentication` (strategy `auth0`, type `database`);
//!   an identity provider named like a social network Auth0 supports is that
//!   social connection (`facebook` → strategy `facebook`, `google` →
//!   `google-oauth2`, …), any other an enterprise OIDC connection.

use crate::scenario::Scenario;
use sha2::{Digest, Sha256};

/// The environment Auth0 reports for a US public-cloud tenant.
pub const ENVIRONMENT: &str = "prod-us-1";

/// Name of Auth0's default database connection (the `password` connection).
pub const PASSWORD_CONNECTION: &str = "Username-Password-Authentication";

/// One connection, as log events name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionNames {
    /// `connection`.
    pub name: String,
    /// `strategy`.
    pub strategy: &'static str,
    /// `strategy_type`: `database`, `social` or `enterprise`.
    pub strategy_type: &'static str,
    /// Prefix of the users' `user_id` (`auth0`, `facebook`, …).
    pub user_prefix: String,
}

/// The names of connection `name` (`password` or an identity provider's name).
pub fn connection_names(name: &str) -> ConnectionNames {
    let social = |strategy: &'static str| ConnectionNames {
        name: name.to_string(),
        strategy,
        strategy_type: "social",
        user_prefix: strategy.to_string(),
    };
    match name {
        "password" => ConnectionNames {
            name: PASSWORD_CONNECTION.to_string(),
            strategy: "auth0",
            strategy_type: "database",
            user_prefix: "auth0".to_string(),
        },
        "facebook" => social("facebook"),
        "google" | "google-oauth2" => social("google-oauth2"),
        "github" => social("github"),
        "apple" => social("apple"),
        "twitter" => social("twitter"),
        "linkedin" => social("linkedin"),
        "microsoft" | "windowslive" => social("windowslive"),
        _ => ConnectionNames {
            name: name.to_string(),
            strategy: "oidc",
            strategy_type: "enterprise",
            user_prefix: format!("oidc|{name}"),
        },
    }
}

/// The scenario's connection name (`password` or an IdP's) of a log's
/// `connection` field: the inverse of [`connection_names`].
pub fn scenario_connection(connection: &str) -> String {
    if connection == PASSWORD_CONNECTION {
        "password".to_string()
    } else {
        connection.to_string()
    }
}

/// The tenant of a scenario, with the fixed parts of its log events
/// pre-rendered as JSON.
#[derive(Debug, Clone)]
pub struct Tenant {
    /// `tenant_name`: the scenario's name, lower-cased, other characters
    /// than letters and digits made `-`.
    pub name: String,
    /// `hostname`: `<tenant>.us.auth0.com`, or `login.<tenant>.example` on a
    /// custom domain.
    pub hostname: String,
    /// Per app: `"client_id":"…","client_name":"…"`.
    pub apps: Vec<String>,
    /// Per app: the page a logout returns to.
    pub return_to: Vec<String>,
    /// Per connection (0 password, then each IdP):
    /// `"connection":"…","connection_id":"…","strategy":"…","strategy_type":"…"`.
    pub connections: Vec<String>,
    /// Per connection: the prefix of its users' ids.
    pub user_prefixes: Vec<String>,
    /// `"hostname":"…","tenant_name":"…","environment_name":"…"`.
    pub place: String,
    /// `audience` of token and silent-authentication events.
    pub audience: String,
    /// Calendar time of the end of the warm-up, ms since the epoch.
    pub start_ms: u64,
    /// Virtual time of the end of the warm-up, ms.
    pub warmup_ms: u64,
    /// Mixed into unique ids so that two seeds give two sets of ids.
    pub seed_mix: u64,
    /// Per browser kind of `users.browsers` (in the model's order): the
    /// agents its devices report; empty without a browser mix.
    pub agents: Vec<&'static [Agent]>,
}

impl Tenant {
    /// The tenant of scenario `s`.
    pub fn new(s: &Scenario) -> Self {
        let mut name: String = s
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        name = name.trim_matches('-').to_string();
        if name.is_empty() {
            name = "tenant".to_string();
        }
        let hostname = if s.authorization_server.custom_domain {
            format!("login.{name}.example")
        } else {
            format!("{name}.us.auth0.com")
        };
        let apps = s
            .apps
            .iter()
            .map(|a| {
                format!(
                    "\"client_id\":\"{}\",\"client_name\":{}",
                    base62_id(&format!("client:{}", a.name), 32),
                    json_string(&a.name)
                )
            })
            .collect();
        let return_to = s
            .apps
            .iter()
            .map(|a| format!("https://{}.example/", a.name.to_ascii_lowercase()))
            .collect();
        let names: Vec<ConnectionNames> = std::iter::once("password")
            .chain(s.identity_providers.iter().map(|i| i.name.as_str()))
            .map(connection_names)
            .collect();
        let connections = names
            .iter()
            .map(|c| {
                format!(
                    "\"connection\":{},\"connection_id\":\"con_{}\",\"strategy\":\"{}\",\"strategy_type\":\"{}\"",
                    json_string(&c.name),
                    base62_id(&format!("connection:{}", c.name), 16),
                    c.strategy,
                    c.strategy_type
                )
            })
            .collect();
        let place = format!(
            "\"hostname\":\"{hostname}\",\"tenant_name\":\"{name}\",\"environment_name\":\"{ENVIRONMENT}\""
        );
        Tenant {
            audience: format!("https://{hostname}/userinfo"),
            name,
            hostname,
            apps,
            return_to,
            connections,
            user_prefixes: names.into_iter().map(|c| c.user_prefix).collect(),
            place,
            start_ms: s.simulation.start,
            warmup_ms: s.simulation.warmup,
            seed_mix: mix(s.simulation.seed ^ 0x6c6f_6773),
            agents: s.users.browsers.as_ref().map_or_else(Vec::new, |mix| {
                mix.iter().map(|b| agents_of(&b.profile.name)).collect()
            }),
        }
    }

    /// The user agent of a record: from its device's browser kind
    /// (`browser`, see [`crate::model::LogRecord::browser`]) when known,
    /// else from the user's identity bits alone.
    pub fn user_agent(&self, identity: u64, browser: u8) -> Agent {
        let agents = usize::from(browser)
            .checked_sub(1)
            .and_then(|k| self.agents.get(k))
            .copied()
            .unwrap_or(&ALL_AGENTS);
        agents[(identity >> 56) as usize % agents.len()]
    }

    /// The calendar time of virtual time `t` (from the start of the warm-up).
    pub fn date_ms(&self, t: u64) -> u64 {
        self.start_ms + t.saturating_sub(self.warmup_ms)
    }

    /// A number unique to user `user` in this run (bijective in `user`).
    pub fn user_key(&self, user: u64) -> u64 {
        mix(user ^ self.seed_mix)
    }
}

/// A user agent in Auth0's parsed form (`Chrome 131.0.0 / Windows 10.0.0`)
/// and whether it is a mobile device.
pub type Agent = (&'static str, bool);

const CHROME_WINDOWS: Agent = ("Chrome 131.0.0 / Windows 10.0.0", false);
const CHROME_MAC: Agent = ("Chrome 131.0.0 / Mac OS X 10.15.7", false);
const CHROME_ANDROID: Agent = ("Chrome Mobile 131.0.0 / Android 14.0.0", true);
const SAFARI_MAC: Agent = ("Safari 18.1.0 / Mac OS X 10.15.7", false);
const SAFARI_IOS: Agent = ("Mobile Safari 18.1.0 / iOS 18.1.0", true);
const FIREFOX_WINDOWS: Agent = ("Firefox 133.0.0 / Windows 10.0.0", false);
const FIREFOX_MAC: Agent = ("Firefox 133.0.0 / Mac OS X 10.15.7", false);
const EDGE_WINDOWS: Agent = ("Edge 131.0.0 / Windows 10.0.0", false);

/// Every agent, for devices of no known browser (the legacy cookie shares,
/// kinds a scenario defines).
const ALL_AGENTS: [Agent; 8] = [
    CHROME_WINDOWS,
    CHROME_WINDOWS,
    CHROME_MAC,
    SAFARI_MAC,
    FIREFOX_WINDOWS,
    EDGE_WINDOWS,
    SAFARI_IOS,
    CHROME_ANDROID,
];

/// The agents of browser kind `name`: a built-in kind's own (Safari mostly
/// on iPhones, Chrome mostly on Windows and Android), any other kind every
/// agent.
fn agents_of(name: &str) -> &'static [Agent] {
    match name {
        "chrome" | "brave" => &[CHROME_WINDOWS, CHROME_MAC, CHROME_ANDROID, CHROME_ANDROID],
        "safari" => &[SAFARI_IOS, SAFARI_IOS, SAFARI_IOS, SAFARI_MAC],
        "firefox" => &[
            FIREFOX_WINDOWS,
            FIREFOX_WINDOWS,
            FIREFOX_WINDOWS,
            FIREFOX_MAC,
        ],
        "edge" => &[EDGE_WINDOWS],
        _ => &ALL_AGENTS,
    }
}

/// The user's IPv4 address, from its identity bits: a public-looking
/// address (first octet from a fixed list of publicly routed /8s).
pub fn ip(identity: u64, out: &mut Vec<u8>) {
    const FIRST: [u8; 16] = [
        23, 31, 37, 45, 62, 77, 81, 86, 92, 109, 151, 176, 185, 188, 203, 212,
    ];
    let b = identity.to_le_bytes();
    let parts = [FIRST[usize::from(b[0] % 16)], b[1], b[2], b[3] % 254 + 1];
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push(b'.');
        }
        push_u64(out, u64::from(*p));
    }
}

/// SplitMix64's finalizer: a bijection of `u64` that scatters its bits.
pub fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `len` characters of `[0-9A-Za-z]` from the SHA-256 of `seed`.
fn base62_id(seed: &str, len: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = String::with_capacity(len);
    let mut round = 0u32;
    while out.len() < len {
        let digest = Sha256::digest(format!("{seed}#{round}").as_bytes());
        out.extend(
            digest
                .iter()
                .map(|b| char::from(ALPHABET[usize::from(*b) % 62]))
                .take(len - out.len()),
        );
        round += 1;
    }
    out
}

/// `s` as a JSON string literal.
pub fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// Appends the decimal digits of `n`.
pub fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends `n` as `width` lower-case hex digits.
pub fn push_hex(out: &mut Vec<u8>, n: u64, width: usize) {
    const HEX: &[u8] = b"0123456789abcdef";
    for i in (0..width).rev() {
        out.push(HEX[((n >> (4 * i)) & 0xf) as usize]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_map_to_auth0_names_and_back() {
        let p = connection_names("password");
        assert_eq!(
            (p.name.as_str(), p.strategy, p.strategy_type),
            (PASSWORD_CONNECTION, "auth0", "database")
        );
        assert_eq!(scenario_connection(&p.name), "password");
        let f = connection_names("facebook");
        assert_eq!((f.strategy, f.strategy_type), ("facebook", "social"));
        assert_eq!(scenario_connection(&f.name), "facebook");
        let e = connection_names("acme-okta");
        assert_eq!((e.strategy, e.strategy_type), ("oidc", "enterprise"));
    }

    #[test]
    fn the_mix_is_a_bijection_on_a_sample_and_numbers_print_exactly() {
        let mut seen: Vec<u64> = (0..10_000).map(mix).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 10_000);
        let mut out = Vec::new();
        push_u64(&mut out, 0);
        out.push(b' ');
        push_u64(&mut out, u64::MAX);
        out.push(b' ');
        push_hex(&mut out, 0xabc, 4);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0 18446744073709551615 0abc"
        );
        assert_eq!(base62_id("x", 40).len(), 40);
    }
}
