//! The authorization server's endpoints whose load is counted per second
//! (issue 17), and the per-endpoint counts of a run.
//!
//! Rule: a request counts at its endpoint when it reaches the AS, in the
//! second it arrives (bucket 0 is the first second after the warm-up); the
//! back-channel `logout_token` the AS sends counts when it reaches the app.
//! The AS's total is every request it receives, which leaves out the
//! `logout_token`s it sends (see [`GROUPS`]).

use super::PerSecond;

/// An endpoint of the AS, as Auth0 names its paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Endpoint {
    /// Top-level `GET /authorize`.
    Authorize,
    /// `GET /authorize?prompt=none` in a hidden iframe (silent authentication).
    AuthorizeIframe,
    /// `GET /authorize/resume` (Universal Login's resume step).
    AuthorizeResume,
    /// `GET /login` (the prompt page).
    LoginPage,
    /// `POST /login` (credentials, or the choice of an identity provider).
    LoginPost,
    /// `GET /login/callback` (back from an identity provider).
    LoginCallback,
    /// `POST /mfa` (second factor).
    MfaPost,
    /// `POST /oauth/token` with `grant_type=authorization_code`.
    TokenCode,
    /// `POST /oauth/token` with `grant_type=refresh_token`.
    TokenRefresh,
    /// `GET /v2/logout`.
    Logout,
    /// Back-channel `logout_token` sent by the AS to an app.
    BackchannelLogout,
}

impl Endpoint {
    /// Every endpoint, in output order.
    pub const ALL: [Endpoint; 11] = [
        Endpoint::Authorize,
        Endpoint::AuthorizeIframe,
        Endpoint::AuthorizeResume,
        Endpoint::LoginPage,
        Endpoint::LoginPost,
        Endpoint::LoginCallback,
        Endpoint::MfaPost,
        Endpoint::TokenCode,
        Endpoint::TokenRefresh,
        Endpoint::Logout,
        Endpoint::BackchannelLogout,
    ];
    /// Number of endpoints.
    pub const COUNT: usize = Self::ALL.len();

    /// Name in `summary.csv`, `load.csv`, raw files and scenario keys.
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::Authorize => "authorize",
            Endpoint::AuthorizeIframe => "authorize_iframe",
            Endpoint::AuthorizeResume => "authorize_resume",
            Endpoint::LoginPage => "login_page",
            Endpoint::LoginPost => "login_post",
            Endpoint::LoginCallback => "login_callback",
            Endpoint::MfaPost => "mfa_post",
            Endpoint::TokenCode => "token_code",
            Endpoint::TokenRefresh => "token_refresh",
            Endpoint::Logout => "logout",
            Endpoint::BackchannelLogout => "backchannel_logout",
        }
    }

    /// The HTTP request, for charts and the report.
    pub fn label(self) -> &'static str {
        match self {
            Endpoint::Authorize => "GET /authorize",
            Endpoint::AuthorizeIframe => "GET /authorize (iframe)",
            Endpoint::AuthorizeResume => "GET /authorize/resume",
            Endpoint::LoginPage => "GET /login",
            Endpoint::LoginPost => "POST /login",
            Endpoint::LoginCallback => "GET /login/callback",
            Endpoint::MfaPost => "POST /mfa",
            Endpoint::TokenCode => "POST /oauth/token (code)",
            Endpoint::TokenRefresh => "POST /oauth/token (refresh)",
            Endpoint::Logout => "GET /v2/logout",
            Endpoint::BackchannelLogout => "back-channel logout_token",
        }
    }

    /// The endpoint of `name`, if any.
    pub fn by_name(name: &str) -> Option<Endpoint> {
        Self::ALL.into_iter().find(|e| e.name() == name)
    }
}

/// Sums of endpoints whose load is read as one: `/authorize` (top-level and
/// iframe), `/oauth/token` (both grants), and every request the AS
/// receives. Each is a series of its own after the endpoints.
pub const GROUPS: [(&str, &[Endpoint]); 3] = [
    (
        "authorize_all",
        &[Endpoint::Authorize, Endpoint::AuthorizeIframe],
    ),
    ("token_all", &[Endpoint::TokenCode, Endpoint::TokenRefresh]),
    (
        "total",
        &[
            Endpoint::Authorize,
            Endpoint::AuthorizeIframe,
            Endpoint::AuthorizeResume,
            Endpoint::LoginPage,
            Endpoint::LoginPost,
            Endpoint::LoginCallback,
            Endpoint::MfaPost,
            Endpoint::TokenCode,
            Endpoint::TokenRefresh,
            Endpoint::Logout,
        ],
    ),
];

/// Number of series: the endpoints, then the [`GROUPS`].
pub const SERIES: usize = Endpoint::COUNT + GROUPS.len();

/// Name of series `i`: an endpoint's, then a group's.
pub fn series_name(i: usize) -> &'static str {
    match Endpoint::ALL.get(i) {
        Some(e) => e.name(),
        None => GROUPS[i - Endpoint::COUNT].0,
    }
}

/// Label of series `i` for charts.
pub fn series_label(i: usize) -> &'static str {
    match Endpoint::ALL.get(i) {
        Some(e) => e.label(),
        None => match GROUPS[i - Endpoint::COUNT].0 {
            "authorize_all" => "/authorize (all)",
            "token_all" => "/oauth/token (all)",
            _ => "all requests",
        },
    }
}

/// Per-second counts of every endpoint over the measured window.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Load {
    per_endpoint: Vec<PerSecond>,
}

impl Load {
    /// Zero counts for `seconds` buckets per endpoint.
    pub fn new(seconds: usize) -> Self {
        Load {
            per_endpoint: (0..Endpoint::COUNT)
                .map(|_| PerSecond::new(seconds))
                .collect(),
        }
    }

    /// One request at `e` in second `s`.
    #[inline]
    pub fn record(&mut self, e: Endpoint, s: u64) {
        self.per_endpoint[e as usize].record(s);
    }

    /// The counts of `e`.
    pub fn endpoint(&self, e: Endpoint) -> &PerSecond {
        &self.per_endpoint[e as usize]
    }

    /// The counts of `e`, to fill (raw files).
    pub fn endpoint_mut(&mut self, e: Endpoint) -> &mut PerSecond {
        &mut self.per_endpoint[e as usize]
    }

    /// Adds another's counts.
    pub fn merge(&mut self, other: &Load) {
        for (a, b) in self.per_endpoint.iter_mut().zip(&other.per_endpoint) {
            a.merge(b);
        }
    }

    /// Whether adding `other` would overflow a second's count.
    pub fn merge_overflows(&self, other: &Load) -> bool {
        self.per_endpoint
            .iter()
            .zip(&other.per_endpoint)
            .any(|(a, b)| a.merge_overflows(b))
    }

    /// Applies buffered requests.
    pub fn flush(&mut self) {
        self.per_endpoint.iter_mut().for_each(PerSecond::flush);
    }

    /// Number of one-second buckets.
    pub fn seconds(&self) -> usize {
        self.per_endpoint.first().map_or(0, PerSecond::len)
    }

    /// Requests of the endpoints in `es`, total (flushed).
    pub fn total_of(&self, es: &[Endpoint]) -> u64 {
        es.iter().map(|&e| self.endpoint(e).total()).sum()
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.per_endpoint.iter().map(PerSecond::heap_bytes).sum()
    }

    /// Calls `f(len, rows)` for each hour page in order (`len` seconds, the
    /// last page possibly shorter), `rows` holding per series ([`SERIES`]:
    /// the endpoints, then the [`GROUPS`]) its [`Row`] of per-second counts,
    /// or `None` when the series had no request in the page: the one pass
    /// every load statistic is computed from.
    pub fn scan(&self, f: impl FnMut(usize, &[Option<Row<'_>>])) {
        self.scan_marking(SPARSE_ROW, f);
    }

    /// [`Load::scan`], marking the seconds with requests of a row of at most
    /// `sparse_row` requests (tests compare `0`, never, with always).
    pub(super) fn scan_marking(
        &self,
        sparse_row: usize,
        mut f: impl FnMut(usize, &[Option<Row<'_>>]),
    ) {
        let Some(first) = self.per_endpoint.first() else {
            return;
        };
        let mut rows: Vec<Vec<u32>> = vec![Vec::new(); SERIES];
        let mut marks: Vec<Vec<u64>> = vec![Vec::new(); SERIES];
        // `clean[i]`: row i is all zeros (and its marks too).
        let mut clean = [true; SERIES];
        let mut used = [false; SERIES];
        let mut marked = [false; SERIES];
        for p in 0..first.page_count() {
            let len = first.page_len(p);
            let offsets = |e: Endpoint| self.per_endpoint[e as usize].page_offsets(p);
            for (i, per_second) in self.per_endpoint.iter().enumerate() {
                used[i] = !per_second.page_is_empty(p);
                let sparse = per_second
                    .page_offsets(p)
                    .filter(|o| used[i] && o.len() <= sparse_row);
                marked[i] = sparse.is_some();
                if let Some(sparse) = sparse {
                    mark(&mut rows[i], &mut marks[i], &mut clean[i], len, [sparse]);
                } else if used[i] {
                    per_second.write_page_into(p, &mut rows[i]);
                    clean[i] = false;
                }
            }
            for (g, (_, members)) in GROUPS.iter().enumerate() {
                let i = Endpoint::COUNT + g;
                let endpoints_used = used;
                let in_use = members.iter().filter(|&&e| endpoints_used[e as usize]);
                used[i] = in_use.clone().next().is_some();
                // Marked when every member in use is stored sparse and
                // they add up to a sparse row.
                let sparse: Option<usize> =
                    in_use.clone().map(|&e| offsets(e).map(<[u16]>::len)).sum();
                marked[i] = used[i] && sparse.is_some_and(|n| n <= sparse_row);
                if marked[i] {
                    let parts = in_use.filter_map(|&e| offsets(e));
                    mark(&mut rows[i], &mut marks[i], &mut clean[i], len, parts);
                } else if used[i] {
                    let (endpoints, groups) = rows.split_at_mut(Endpoint::COUNT);
                    let row = &mut groups[g];
                    row.clear();
                    for (k, &e) in in_use.enumerate() {
                        let member = &endpoints[e as usize][..len];
                        if k == 0 {
                            row.extend_from_slice(member);
                        } else {
                            row.iter_mut().zip(member).for_each(|(t, &c)| *t += c);
                        }
                    }
                    clean[i] = false;
                }
            }
            let view: Vec<Option<Row<'_>>> = (0..SERIES)
                .map(|i| {
                    used[i].then(|| Row {
                        counts: &rows[i][..len],
                        marks: marked[i].then_some(marks[i].as_slice()),
                    })
                })
                .collect();
            f(len, &view);
            // Marked rows go back to zeros, second by second.
            for i in (0..SERIES).filter(|&i| marked[i]) {
                for s in marked_seconds(&marks[i]) {
                    rows[i][s] = 0;
                }
                marks[i].iter_mut().for_each(|w| *w = 0);
                clean[i] = true;
            }
        }
    }
}

/// Rows of at most this many requests are read second by second with
/// requests ([`Row::marks`]) instead of over every second of the hour: a
/// light load's statistics then cost what its requests do (issue 20).
pub(super) const SPARSE_ROW: usize = 128;

/// One series' per-second counts in one page, as [`Load::scan`] hands them.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    /// Requests in each second of the page.
    pub counts: &'a [u32],
    /// For a row of few requests ([`SPARSE_ROW`]): one bit per second, set
    /// for the seconds with requests, so a reader may visit only those.
    pub marks: Option<&'a [u64]>,
}

/// The seconds whose bit is set in `marks`, in order.
pub(super) fn marked_seconds(marks: &[u64]) -> impl Iterator<Item = usize> + '_ {
    marks.iter().enumerate().flat_map(|(w, &word)| {
        let mut bits = word;
        std::iter::from_fn(move || {
            (bits != 0).then(|| {
                let b = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                w * 64 + b
            })
        })
    })
}

/// Adds the requests at `parts`' offsets to `row` (made `len` zeros first
/// unless it is clean at that length) and marks their seconds.
fn mark<'a>(
    row: &mut Vec<u32>,
    marks: &mut Vec<u64>,
    clean: &mut bool,
    len: usize,
    parts: impl IntoIterator<Item = &'a [u16]>,
) {
    if !*clean || row.len() != len {
        row.clear();
        row.resize(len, 0);
        marks.clear();
        marks.resize(len.div_ceil(64), 0);
    }
    for &o in parts.into_iter().flatten() {
        let o = usize::from(o);
        if let Some(c) = row.get_mut(o) {
            *c += 1;
            marks[o / 64] |= 1 << (o % 64);
        }
    }
    *clean = false;
}
