//! One user's world: the state every actor keeps about this user, the events
//! of the timeline, and the session bookkeeping shared by all tiers.

use super::browser::{Browser, LogoutKind, Visit};
use super::causes::Lost;
use super::config::{DelayModel, ModelConfig};
use super::logs::{LogBook, LogRecord};
use super::message::{Actor, Exchanger, Msg};
use super::reach::Reach;
use super::refresh::RefreshFamily;
use super::session::{EndCause, Session};
use super::trace::{LineKind, Outcome, TraceLine, UserScript};
use super::user::{Device, User, device_count};
use crate::engine::{Context, Model, Simulation, rng};
use crate::metrics::{
    AppCounter, GlobalCounter, Layout, Metrics, SampleClock, Series, TierCounter,
};
use crate::scenario::{Connection, MAX_DURATION};

/// What happens on a user's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The next Poisson (or scripted) visit arrives.
    VisitArrival,
    /// The browser closes.
    BrowserClose,
    /// The user resets their password.
    PasswordReset,
    /// The user deletes cookies and site data.
    CookieClear,
    /// A hop reaches its receiver; `epoch` drops hops of a visit that ended.
    Deliver {
        /// Browser generation when the hop was sent.
        epoch: u32,
        /// The hop.
        msg: Msg,
    },
    /// A back-channel `logout_token` reaches app `app`: it goes server to
    /// server, so no browser close drops it.
    LogoutToken {
        /// The app.
        app: u16,
    },
    /// The dwell on a served page ends.
    DwellEnd {
        /// Browser generation of the visit.
        epoch: u32,
    },
    /// A `spa_implicit` access token expires during a visit: renew it silently.
    TokenExpiry {
        /// Browser generation of the visit.
        epoch: u32,
    },
    /// The scenario's tenant event `index` (`[[events]]`, issue 17).
    Tenant {
        /// Index in [`ModelConfig::events`].
        index: u16,
    },
}

/// Everything the actors keep about one user, plus the sink of its metrics.
#[derive(Debug)]
pub(super) struct UserWorld<'c> {
    /// The configuration in effect (a `set` event switches it).
    pub cfg: &'c ModelConfig,
    /// The scenario's configuration at the start of every timeline.
    pub root: &'c ModelConfig,
    /// The AS refuses every request until then (an `outage` event; 0: none).
    pub outage_until: u64,
    pub metrics: Metrics,
    pub replica: u32,
    /// Id of the user simulated.
    pub user_id: u64,
    pub user: User,
    pub browser: Browser,
    /// Per tier (see [`Layout`]): the session the browser can reach.
    pub sessions: Vec<Option<Session>>,
    /// Sessions orphaned by a lost cookie, `(tier, from, until)`: alive
    /// server-side on `[from, until)`, cut by a password reset (AS) or a
    /// back-channel logout (apps); counted in the time series at the end.
    pub orphans: Vec<(usize, u64, u64)>,
    /// When the user would be served without a credential prompt
    /// (logged-in users): reachable valid AS and app sessions, and refresh
    /// tokens an app holds that the AS would accept, over the devices.
    pub reach: Reach,
    /// Per app: the open logged-in interval of its refresh token, `(since,
    /// until)`, `until` being when the token stops being accepted unless
    /// something changes.
    pub rt_reach: Vec<Option<(u64, u64)>>,
    /// Apps this user visited.
    pub visited: Vec<bool>,
    /// Per app: the refresh-token family the AS keeps for this user.
    pub rt_server: Vec<Option<RefreshFamily>>,
    /// Per app: the version of the refresh token the app (or SPA storage) holds.
    pub rt_client: Vec<Option<u32>>,
    /// A granted exchange's answer is on its way: until it arrives the AS's
    /// family has changed (rotated, or its idle lifetime restarted) and the
    /// app's token has not, a change [`UserWorld::refresh_reach`] has not
    /// seen (see [`UserWorld::tokens_after_close`]).
    pub rt_answer_pending: bool,
    /// The user completed an interactive login in this run.
    pub ever_logged_in: bool,
    /// How and when the last reachable AS session ended (prompt causes).
    pub as_lost: Option<Lost>,
    /// How and when the user's last IdP session ended (prompt causes).
    pub idp_lost: Option<Lost>,
    /// The user completed a login at their IdP in this run.
    pub idp_ever_logged_in: bool,
    /// Per app: how and when its last refresh token stopped working.
    pub rt_lost: Vec<Option<Lost>>,
    /// Per app: its last page load, when the site was last visited (script-storage caps).
    pub site_loaded: Vec<Option<u64>>,
    /// Per app: until when the SDK's `auth0.is.authenticated` cookie lives (0: gone).
    pub hint_until: Vec<u64>,
    /// Scripted visits instead of Poisson ones (tests and traces).
    pub script: Option<UserScript>,
    /// Scripted visits arrived so far.
    pub script_next: usize,
    /// Scripted visits started so far.
    pub script_started: usize,
    /// Trace lines, when tracing.
    pub trace: Option<Vec<TraceLine>>,
    /// Tenant log records, when logging (`--logs`).
    pub logs: Option<LogBook>,
    /// The user's segments, from its first device (browser kind included).
    pub first_segments: crate::metrics::per_user::UserSegments,
    /// Hop chains run inline (see [`UserWorld::send_after`]); off on the
    /// reference path and from the moment a trace starts (a trace prints
    /// every hop), so that [`UserWorld::on_fast_path`] reads one flag.
    pub inline_hops: bool,
    /// The time-series sample of the app counters' times.
    pub clock: SampleClock,
}

impl<'c> UserWorld<'c> {
    fn new(cfg: &'c ModelConfig, replica: u32) -> Self {
        let tiers = cfg.layout.tiers();
        UserWorld {
            cfg,
            root: cfg,
            outage_until: 0,
            metrics: Metrics::new(cfg.layout),
            replica,
            user_id: 0,
            user: User::new(cfg, replica, 0, Device::ONLY, None),
            browser: Browser::default(),
            sessions: vec![None; tiers],
            orphans: Vec::new(),
            reach: Reach::default(),
            rt_reach: vec![None; cfg.apps.len()],
            visited: vec![false; cfg.apps.len()],
            rt_server: vec![None; cfg.apps.len()],
            rt_client: vec![None; cfg.apps.len()],
            rt_answer_pending: false,
            ever_logged_in: false,
            as_lost: None,
            idp_lost: None,
            idp_ever_logged_in: false,
            rt_lost: vec![None; cfg.apps.len()],
            site_loaded: vec![None; cfg.apps.len()],
            hint_until: vec![0; cfg.apps.len()],
            script: None,
            script_next: 0,
            script_started: 0,
            trace: None,
            logs: None,
            first_segments: Default::default(),
            inline_hops: cfg.inline_hops,
            clock: SampleClock::new(&cfg.layout),
        }
    }

    /// Clears the state for device `device` of user `id` (keeping the
    /// memory). A later device of the same user keeps what is the user's:
    /// the logged-in intervals and the apps visited.
    fn reset(&mut self, id: u64, device: Device) {
        self.cfg = self.root;
        self.outage_until = 0;
        let profile = self.script.as_ref().and_then(|s| s.profile);
        self.user = User::new(self.cfg, self.replica, id, device, profile);
        self.user_id = id;
        if device.index == 0 {
            self.reach.clear();
            self.visited.iter_mut().for_each(|v| *v = false);
            // One log identity and one sequence per user, over its devices.
            self.start_log(id);
        }
        self.browser = Browser::default();
        self.sessions.iter_mut().for_each(|s| *s = None);
        self.orphans.clear();
        self.rt_reach.iter_mut().for_each(|r| *r = None);
        self.rt_server.iter_mut().for_each(|f| *f = None);
        self.rt_client.iter_mut().for_each(|c| *c = None);
        self.rt_answer_pending = false;
        self.ever_logged_in = false;
        self.as_lost = None;
        self.idp_lost = None;
        self.idp_ever_logged_in = false;
        self.rt_lost.iter_mut().for_each(|l| *l = None);
        self.site_loaded.iter_mut().for_each(|l| *l = None);
        self.hint_until.iter_mut().for_each(|h| *h = 0);
        self.metrics.measuring = self.cfg.warmup == 0;
        self.script_next = 0;
        self.script_started = 0;
    }

    // ---- hops -------------------------------------------------------------

    /// Sends a hop now; it arrives after the network latency.
    #[inline(always)]
    pub(super) fn send(&mut self, ctx: &mut Context<'_, Event>, msg: Msg) {
        self.send_after(ctx, 0, msg);
    }

    /// Sends a hop after `delay` (the user's think time), plus the latency
    /// (and the sender's processing time, for the AS and IdPs).
    ///
    /// The fast path of a hop chain (issue 20): the hop is held out of the
    /// queue ([`Context::schedule_next`]), and when the handler is done and
    /// nothing else of this user is due before it arrives, it is delivered
    /// at once ([`Context::take_next`]) instead of going through the queue:
    /// same time, same draws in the same order, so the same results. The
    /// reference path (`inline_hops` off, and every trace) queues each hop.
    #[inline(always)]
    pub(super) fn send_after(&mut self, ctx: &mut Context<'_, Event>, delay: u64, msg: Msg) {
        if delay > 0 {
            self.note(ctx.now(), || {
                format!("user completes the prompt in {}", crate::time::Dur(delay))
            });
        }
        let epoch = self.browser.epoch;
        let hop = self.hop_delay(msg);
        let at = ctx.now().saturating_add(delay.saturating_add(hop));
        self.schedule_next(ctx, at, Event::Deliver { epoch, msg });
    }

    /// True on the fast path (issue 20): hops held for inline handling and
    /// the shortcuts that give the reference path's bytes. Off on the
    /// reference path (`inline_hops`, also cleared for the last visit of a
    /// warm-up) and in every trace, which prints each hop.
    #[inline(always)]
    pub(super) fn on_fast_path(&self) -> bool {
        debug_assert!(!self.inline_hops || self.trace.is_none());
        self.inline_hops
    }

    /// Starts recording trace lines: every hop is queued from now on.
    fn start_trace(&mut self) {
        self.trace = Some(Vec::new());
        self.inline_hops = false;
    }

    /// Schedules the next step of the visit under way (a hop, or the end of
    /// the dwell on a served page) at `at`, held for inline handling on the
    /// fast path ([`Context::schedule_next`]): when nothing else of this user
    /// comes first, it runs within the same engine step, in the same order
    /// as through the queue. The reference path (and every trace) queues it.
    #[inline(always)]
    pub(super) fn schedule_next(&mut self, ctx: &mut Context<'_, Event>, at: u64, event: Event) {
        if self.on_fast_path() {
            ctx.schedule_next(at, event);
        } else {
            ctx.schedule_at(at, event);
        }
    }

    /// Sends app `app` a back-channel `logout_token` now, server to server:
    /// it arrives after the network latency (and the AS's processing time)
    /// whatever the browser does meanwhile.
    pub(super) fn send_logout_token(&mut self, ctx: &mut Context<'_, Event>, app: u16) {
        let hop = self.hop_delay(Msg::BackchannelLogout { app });
        ctx.schedule_in(hop, Event::LogoutToken { app });
    }

    /// One draw of `d`, ms: its median for a constant (no random number
    /// used), else log-normal from the user's delay stream, rounded to the
    /// millisecond and at most [`MAX_DURATION`] (100 years).
    #[inline]
    pub(super) fn draw(&mut self, d: DelayModel) -> u64 {
        if d.sigma == 0.0 {
            return d.median;
        }
        let x = rng::lognormal(&mut self.user.delays, d.median as f64, d.sigma);
        if x < MAX_DURATION as f64 {
            (x + 0.5) as u64
        } else {
            MAX_DURATION
        }
    }

    /// The time the user takes to answer one prompt.
    #[inline]
    pub(super) fn think_time(&mut self) -> u64 {
        self.draw(self.cfg.think)
    }

    /// Latency of one hop, plus the processing time of its sender when it
    /// is the AS or an IdP.
    #[inline(always)]
    fn hop_delay(&mut self, msg: Msg) -> u64 {
        match self.cfg.fixed_hop {
            Some(ms) => ms,
            None => self.drawn_hop_delay(msg),
        }
    }

    /// [`UserWorld::hop_delay`] when something is drawn or processing takes time.
    #[inline(never)]
    fn drawn_hop_delay(&mut self, msg: Msg) -> u64 {
        let latency = self.draw(self.cfg.latency);
        if !self.cfg.processing {
            return latency;
        }
        let processing = match (msg.sender(), self.user.profile.connection) {
            (Actor::As, _) => self.draw(self.cfg.as_processing),
            (Actor::Idp(_), Connection::Idp(i)) => self.draw(self.cfg.idp_processing[i]),
            _ => 0,
        };
        latency.saturating_add(processing)
    }

    /// Counts one app counter at the current time.
    #[inline(always)]
    pub(super) fn count(&mut self, app: u16, c: AppCounter, t: u64) {
        let clock = &mut self.clock;
        self.metrics
            .count_app_in(app as usize, c, || clock.at_or_after(t));
    }

    /// Adds a free-text line to the trace, when tracing.
    #[inline]
    pub(super) fn note(&mut self, t: u64, text: impl FnOnce() -> String) {
        self.mark(t, || (LineKind::Note, text()));
    }

    /// Adds a line of the kind and text `line` gives to the trace, when tracing.
    #[inline]
    pub(super) fn mark(&mut self, t: u64, line: impl FnOnce() -> (LineKind, String)) {
        if let Some(trace) = &mut self.trace {
            let (kind, what) = line();
            trace.push(TraceLine {
                time: t,
                hop: None,
                what,
                kind,
            });
        }
    }

    /// Adds the outcome of the visit under way to the trace, when tracing.
    #[inline]
    pub(super) fn mark_outcome(&mut self, t: u64, outcome: Outcome) {
        self.mark(t, || (LineKind::Outcome(outcome), outcome.line()));
    }

    /// The visit `v` stops at `t` before its page arrived (`why`): a protected
    /// visit not yet decided is abandoned (counted); one already decided keeps
    /// its outcome (counted when decided), which the trace notes with `why`.
    pub(super) fn visit_stopped(&mut self, v: Visit, t: u64, why: &str) {
        if v.protected && !v.resolved {
            self.count(v.app, AppCounter::LoginsAbandoned, t);
            self.mark_outcome(t, Outcome::Abandoned);
        } else if !v.served {
            let outcome = Outcome::served(v.login, v.protected);
            self.mark(t, || {
                (
                    LineKind::Outcome(outcome),
                    format!("{}, but {why} before the page arrived", outcome.words()),
                )
            });
        }
    }

    /// Adds the hop to the trace, when tracing.
    #[inline(always)]
    fn trace_hop(&mut self, msg: Msg, t: u64) {
        if self.trace.is_some() {
            self.push_hop(msg, t);
        }
    }

    #[cold]
    #[inline(never)]
    fn push_hop(&mut self, msg: Msg, t: u64) {
        if let Some(trace) = &mut self.trace {
            let (from, to, what) = msg.describe(self.user.idp_index());
            trace.push(TraceLine {
                time: t,
                hop: Some((self.cfg.actor_name(from), self.cfg.actor_name(to))),
                what: what.to_string(),
                kind: LineKind::Hop,
            });
        }
    }

    /// A hop of the browser's visit arrives: one more hop of its login flow
    /// until the page is served. Returns false when the AS refuses it (an
    /// outage): then it goes no further.
    #[inline(always)]
    fn deliver(&mut self, msg: Msg, ctx: &mut Context<'_, Event>) -> bool {
        self.trace_hop(msg, ctx.now());
        // A request the AS refuses (outage) is not served: not in its load.
        if ctx.now() < self.outage_until && msg.to_as() {
            self.refuse(ctx);
            return false;
        }
        self.count_request(msg, ctx.now());
        if let Some(v) = &mut self.browser.visit
            && !v.served
        {
            v.hops += 1;
        }
        true
    }

    /// A server-to-server hop arrives: no hop of any visit's login flow.
    #[inline(always)]
    fn deliver_server(&mut self, msg: Msg, ctx: &mut Context<'_, Event>) {
        self.trace_hop(msg, ctx.now());
        self.count_request(msg, ctx.now());
    }

    /// A hop to an AS endpoint counts in the AS's per-second load when it
    /// arrives.
    #[inline(always)]
    fn count_request(&mut self, msg: Msg, t: u64) {
        if let Some(e) = msg.endpoint() {
            self.metrics.request(e, t);
        }
    }

    /// Hands the hop to its receiver.
    #[inline(always)]
    fn dispatch(&mut self, msg: Msg, ctx: &mut Context<'_, Event>) {
        match msg {
            Msg::PageRequest { app } => self.app_page_request(app, ctx),
            Msg::AppCallback { app } => self.app_callback(app, ctx),
            Msg::AppLogout { app } => self.app_logout(app, ctx),
            Msg::ReturnTo { app } => self.send(ctx, Msg::LoggedOutPage { app }),
            Msg::TokenResponse { app } => self.app_token_response(app, ctx),
            Msg::Page { .. } => self.page_served(ctx),
            Msg::SpaShell { app } => self.browser_spa_loaded(app, ctx),
            Msg::RedirectAuthorize { app } => self.send(ctx, Msg::Authorize { app }),
            Msg::RedirectV2Logout { app } => {
                let federated = self
                    .browser
                    .visit
                    .is_some_and(|v| v.logout == LogoutKind::Federated);
                self.send(ctx, Msg::V2Logout { app, federated });
            }
            Msg::LoggedOutPage { .. } => self.end_visit(ctx),
            Msg::TokenRequest { app } => self.as_token(app, ctx),
            Msg::Authorize { app } => self.as_authorize(app, ctx),
            Msg::SilentAuthorize { app, renewal } => self.as_silent_authorize(app, renewal, ctx),
            Msg::LoginPage { app } => self.send(ctx, Msg::LoginPrompt { app }),
            Msg::PostCredentials { app } | Msg::AsIdpCallback { app } => {
                self.as_credentials_accepted(app, ctx)
            }
            Msg::ChooseIdp { app } => self.send(ctx, Msg::RedirectIdp { app }),
            Msg::PostMfa { app } => self.as_mfa_done(app, ctx),
            Msg::AuthorizeResume { app, mfa } => self.as_resume(app, mfa, ctx),
            Msg::V2Logout { app, federated } => self.as_logout(app, federated, ctx),
            Msg::RedirectLogin { app } => self.send(ctx, Msg::LoginPage { app }),
            Msg::LoginPrompt { app } => self.browser_login_prompt(app, ctx),
            Msg::MfaPrompt { app } => {
                let think = self.think_time();
                self.send_after(ctx, think, Msg::PostMfa { app })
            }
            Msg::RedirectIdp { app } => self.send(ctx, Msg::IdpDialog { app }),
            Msg::RedirectAppCallback { app } => self.send(ctx, Msg::AppCallback { app }),
            Msg::RedirectResume { app, mfa } => self.send(ctx, Msg::AuthorizeResume { app, mfa }),
            Msg::WebMessageTokens { app, renewal } => self.browser_tokens(app, renewal, ctx),
            Msg::WebMessageLoginRequired { app, renewal } => {
                self.browser_login_required(app, renewal, ctx)
            }
            Msg::RedirectIdpLogout { app } => self.send(ctx, Msg::IdpLogout { app }),
            Msg::RedirectReturnTo { app } | Msg::IdpRedirectReturnTo { app } => {
                self.send(ctx, Msg::ReturnTo { app })
            }
            Msg::IdpDialog { app } => self.idp_dialog(app, ctx),
            Msg::IdpPostCredentials { app } => self.idp_login(app, ctx),
            Msg::IdpLogout { app } => self.idp_logout(app, ctx),
            Msg::IdpPrompt { app } => {
                let think = self.think_time();
                self.send_after(ctx, think, Msg::IdpPostCredentials { app })
            }
            Msg::RedirectAsCallback { app } => self.send(ctx, Msg::AsIdpCallback { app }),
            Msg::AppRedirectReturnTo { app } => self.send(ctx, Msg::ReturnTo { app }),
            Msg::BackchannelLogout { app } => self.app_backchannel_logout(app, ctx),
            Msg::RefreshTokenRequest { app, by } => self.as_refresh(app, by, ctx),
            Msg::RefreshTokenGranted {
                app,
                by: Exchanger::NativeApp,
            } => self.app_refresh_granted(app, ctx),
            Msg::RefreshTokenDenied {
                app,
                by: Exchanger::NativeApp,
            } => self.app_refresh_denied(app, ctx),
            Msg::RefreshTokenGranted { app, by } => {
                self.browser_refresh_granted(app, by == Exchanger::SpaRenewal, ctx)
            }
            Msg::RefreshTokenDenied { app, by } => {
                self.browser_refresh_denied(app, by == Exchanger::SpaRenewal, ctx)
            }
        }
    }

    // ---- sessions, every tier alike (design §4) ----------------------------

    /// Is the session of `tier` reachable and valid at `t`? One found expired
    /// ends there, by whichever timeout came first.
    pub(super) fn session_valid(&mut self, tier: usize, t: u64) -> bool {
        match self.sessions[tier] {
            Some(s) if s.is_valid(&self.cfg.policies[tier], t) => true,
            Some(_) => {
                self.end_naturally(tier);
                false
            }
            None => false,
        }
    }

    /// Records activity on a valid session: resets its idle timer. Every
    /// caller checked [`UserWorld::session_valid`] at `t` just before; a use
    /// past the expiry would be a bug, counted for the run's invariants.
    pub(super) fn touch(&mut self, tier: usize, t: u64) {
        if let Some(s) = &mut self.sessions[tier] {
            let expired = !s.is_valid(&self.cfg.policies[tier], t);
            self.metrics.anomalies.expired_session_uses += u64::from(expired);
            s.last_activity = t;
        }
    }

    /// A login completed at `t` creates the tier's session (the slot was
    /// emptied by the validity check that led to the login).
    pub(super) fn create_session(&mut self, tier: usize, t: u64, mfa: bool) {
        if self.session_valid(tier, t) {
            // A new interactive login within a valid session starts it anew
            // (design §4): `created` resets; the session is not counted twice.
            if let Some(s) = &mut self.sessions[tier] {
                self.metrics.valid_piece(tier, s.created, t);
                s.created = t;
                s.last_activity = t;
                s.mfa |= mfa;
                // A new login resets the session: the limits in force now apply.
                s.bound = None;
            }
        } else {
            self.sessions[tier] = Some(Session::new(t, mfa));
            self.metrics.count_tier(tier, TierCounter::SessionsCreated);
            self.mark(t, || {
                let scope = self.cfg.tier_name(tier);
                let what = format!("{scope} session created");
                (LineKind::Session { scope }, what)
            });
        }
    }

    /// Ends the tier's session at `t` by an explicit cause (logout, password
    /// reset); one already expired ends by its timeout instead.
    pub(super) fn end_session(&mut self, tier: usize, t: u64, cause: EndCause) {
        if self.session_valid(tier, t) {
            self.close(tier, t, cause);
        }
    }

    fn end_naturally(&mut self, tier: usize) {
        if let Some(s) = self.sessions[tier] {
            let (at, cause) = s.natural_end(&self.cfg.policies[tier]);
            self.close(tier, at, cause);
        }
    }

    /// Takes the session out of its slot, counting why and until when it was valid.
    pub(super) fn close(&mut self, tier: usize, at: u64, cause: EndCause) {
        let Some(s) = self.sessions[tier].take() else {
            return;
        };
        self.metrics.count_tier(tier, cause.counter());
        self.session_lost(tier, cause, at);
        self.valid_until(tier, s.since, at);
        self.metrics.valid_piece(tier, s.created, at);
        self.mark(at, || {
            let scope = self.cfg.tier_name(tier);
            let what = format!("{scope} session ends: {}", cause.name());
            (LineKind::Session { scope }, what)
        });
    }

    fn valid_until(&mut self, tier: usize, since: u64, until: u64) {
        let layout = self.cfg.layout;
        self.metrics
            .series
            .interval_in(&layout, Series::VALID, tier, since, until);
        if tier == Layout::AS_TIER || tier > layout.idps {
            self.reach.add(since, until);
        }
    }

    /// Ends at `t` the server-side remainders of `tier`'s orphaned sessions;
    /// returns how many were still alive.
    pub(super) fn end_orphans(&mut self, tier: usize, t: u64) -> usize {
        let mut ended = 0;
        for o in &mut self.orphans {
            if o.0 == tier && o.2 > t {
                o.2 = t.max(o.1);
                ended += 1;
            }
        }
        ended
    }

    /// True when `tier` has an orphaned session alive server-side at `t`.
    pub(super) fn has_orphan(&self, tier: usize, t: u64) -> bool {
        self.orphans
            .iter()
            .any(|o| o.0 == tier && o.1 <= t && t < o.2)
    }

    /// End of a device's timeline: sessions still valid are alive at the end,
    /// others ended by their timeouts; intervals go to the time series. After
    /// the user's last device, the user's own counts: logged in while any
    /// device was, apps visited on any device, its tallies and segments.
    fn finish(&mut self, end: u64, device: Device) {
        if let Some(v) = self.browser.visit {
            self.visit_stopped(v, end, "the simulation stopped");
        }
        let layout = self.cfg.layout;
        for tier in 0..self.sessions.len() {
            let Some(s) = self.sessions[tier] else {
                continue;
            };
            let (expiry, _) = s.natural_end(&self.cfg.policies[tier]);
            if expiry > end {
                self.sessions[tier] = None;
                self.metrics.count_tier(tier, TierCounter::AliveAtEnd);
                self.valid_until(tier, s.since, expiry);
                self.metrics.valid_piece(tier, s.created, expiry);
            } else {
                self.end_naturally(tier);
            }
        }
        for &(tier, from, until) in &self.orphans {
            self.metrics
                .series
                .interval_in(&layout, Series::ORPHANED, tier, from, until);
            self.metrics.orphaned(tier, from, until);
        }
        // Logged-in users: union of the reachable AS and app validity
        // intervals and of the usable refresh tokens, over the devices.
        for app in 0..self.rt_reach.len() {
            if let Some((since, until)) = self.rt_reach[app].take() {
                self.reach.add(since, until);
            }
        }
        self.metrics.count_global(GlobalCounter::Devices);
        if device.index == 0 {
            self.first_segments = self.segments();
        }
        if !device.is_last() {
            return;
        }
        for &(since, until) in self.reach.pieces() {
            self.metrics.series.logged_in(&layout, since, until);
        }
        for app in 0..self.visited.len() {
            if self.visited[app] {
                self.metrics.count_app(app, AppCounter::Users, 0);
            }
        }
        self.metrics.count_global(GlobalCounter::Users);
        self.metrics.per_user.end_user(self.first_segments);
    }

    /// Names of the tiers with a reachable valid session at `t` (traces, tests).
    pub(super) fn valid_scopes(&self, t: u64) -> Vec<String> {
        (0..self.sessions.len())
            .filter(|&tier| {
                self.sessions[tier].is_some_and(|s| s.is_valid(&self.cfg.policies[tier], t))
            })
            .map(|tier| self.cfg.tier_name(tier))
            .collect()
    }
}

impl Model for UserWorld<'_> {
    type Event = Event;

    /// Handles the event, then the hops of a chain (and the end of the
    /// dwell) that run inline after it (see `UserWorld::schedule_next`), and
    /// the timeline's next events that [`Context::take_next`] hands over.
    /// Every hop, queued or inline, goes through the one `dispatch` below,
    /// so that a chain runs in this loop without a call per hop (issue 20).
    fn handle(&mut self, event: Event, ctx: &mut Context<'_, Event>) {
        let mut event = event;
        loop {
            let msg = match event {
                Event::Deliver { epoch, msg } if epoch == self.browser.epoch => {
                    self.deliver(msg, ctx).then_some(msg)
                }
                Event::LogoutToken { app } => {
                    let msg = Msg::BackchannelLogout { app };
                    self.deliver_server(msg, ctx);
                    Some(msg)
                }
                other => {
                    self.handle_timer(other, ctx);
                    None
                }
            };
            if let Some(msg) = msg {
                self.dispatch(msg, ctx);
            }
            match ctx.take_next() {
                Some(next) => event = next,
                None => return,
            }
        }
    }
}

impl UserWorld<'_> {
    /// Handles one event of the timeline that is not a hop.
    fn handle_timer(&mut self, event: Event, ctx: &mut Context<'_, Event>) {
        match event {
            Event::VisitArrival => self.on_visit_arrival(ctx),
            Event::BrowserClose => self.on_browser_close(ctx),
            Event::PasswordReset => self.on_password_reset(ctx),
            Event::CookieClear => self.on_cookie_clear(ctx),
            Event::DwellEnd { epoch } if epoch == self.browser.epoch => self.on_dwell_end(ctx),
            Event::TokenExpiry { epoch } if epoch == self.browser.epoch => {
                self.on_token_expiry(ctx)
            }
            Event::Tenant { index } => self.on_tenant_event(index, ctx),
            // A hop or timer of a visit that a browser close (or its end)
            // cut short; hops are handled in `handle`.
            Event::Deliver { .. }
            | Event::LogoutToken { .. }
            | Event::DwellEnd { .. }
            | Event::TokenExpiry { .. } => {}
        }
    }
}

/// Runs user timelines one after another, reusing all memory, and sums their
/// metrics. One per thread.
#[derive(Debug)]
pub struct Simulator<'c> {
    sim: Simulation<Event>,
    world: UserWorld<'c>,
}

impl<'c> Simulator<'c> {
    /// A simulator for replica `replica` of a compiled scenario.
    pub fn new(cfg: &'c ModelConfig, replica: u32) -> Self {
        Simulator {
            sim: Simulation::new(),
            world: UserWorld::new(cfg, replica),
        }
    }

    /// Events handled by this simulator so far that went through the queue
    /// (the others are hops of chains, and dwell ends, run inline).
    pub fn queued_events(&self) -> u64 {
        self.sim.queued()
    }

    /// Replaces Poisson visits and the drawn profile by a script (traces, tests).
    pub fn with_script(mut self, script: UserScript) -> Self {
        self.world.script = Some(script);
        self
    }

    /// Records every hop and session change of the next users simulated.
    pub fn with_trace(mut self) -> Self {
        self.world.start_trace();
        self
    }

    /// Records the tenant log of users `0..users` (replica 0 only) of the
    /// next users simulated; [`Simulator::take_logs`] hands them over.
    pub fn with_logs(mut self, users: u64) -> Self {
        self.world.logs = Some(LogBook {
            users,
            ..LogBook::default()
        });
        self
    }

    /// Moves the log records emitted since the last call into `out`
    /// (appended, in emission order: by user, then time).
    pub fn take_logs(&mut self, out: &mut Vec<LogRecord>) {
        if let Some(book) = &mut self.world.logs {
            out.append(&mut book.records);
        }
    }

    /// Simulates user `id` from its start (drawn in the warm-up) to `until`
    /// and adds its metrics.
    /// Each of the user's devices runs its own timeline, one after another.
    pub fn simulate(&mut self, id: u64, until: u64) {
        let count = self.devices(id);
        for index in 0..count {
            self.simulate_device(id, Device { index, count }, until);
        }
    }

    /// Simulates device `device` of user `id` to `until` and adds its metrics.
    fn simulate_device(&mut self, id: u64, device: Device, until: u64) {
        self.sim.reset();
        self.world.reset(id, device);
        self.world.schedule_first_events(&mut self.sim);
        self.world.schedule_tenant_events(&mut self.sim);
        let before = self.sim.processed();
        let late_before = self.sim.late_events();
        self.run_measured(until);
        self.world.metrics.events += self.sim.processed() - before;
        self.world.metrics.anomalies.late_events += self.sim.late_events() - late_before;
        self.world.finish(until, device);
    }

    /// User `id`'s number of devices (1 for a scripted user).
    pub fn devices(&self, id: u64) -> u32 {
        if self.world.script.is_some() {
            1
        } else {
            device_count(self.world.cfg, self.world.replica, id)
        }
    }

    /// Like [`Simulator::simulate`], then returns the trace and the scopes
    /// holding a valid reachable session at `until` (before the end-of-run accounting).
    pub fn trace(&mut self, id: u64, until: u64) -> (Vec<TraceLine>, Vec<String>) {
        self.trace_device(id, 0, until)
    }

    /// Like [`Simulator::trace`], for the device of index `index` (from 0;
    /// the last device when past it): the devices before it run first,
    /// untraced, as in a run.
    pub fn trace_device(
        &mut self,
        id: u64,
        index: u32,
        until: u64,
    ) -> (Vec<TraceLine>, Vec<String>) {
        let count = self.devices(id);
        let index = index.min(count - 1);
        for before in 0..index {
            self.simulate_device(
                id,
                Device {
                    index: before,
                    count,
                },
                until,
            );
        }
        self.world.start_trace();
        self.sim.reset();
        let device = Device { index, count };
        self.world.reset(id, device);
        self.world.schedule_first_events(&mut self.sim);
        self.world.schedule_tenant_events(&mut self.sim);
        if self.world.cfg.warmup > 0 {
            let start = self.world.user.start;
            self.world.note(start, || {
                "the user's history starts (drawn over the warm-up)".to_string()
            });
        }
        if until > self.world.cfg.warmup {
            self.run_measured(until);
        } else {
            // A trace that stops within the warm-up never reaches its end.
            self.sim.run_until(&mut self.world, until);
        }
        let valid = self.world.valid_scopes(until);
        self.world.finish(until, Device::ONLY);
        let mut lines = self.world.trace.take().unwrap_or_default();
        // Expiries are noted when discovered, at the time they happened: put
        // them in place (stable, so hops at equal times keep their order).
        lines.retain(|l| l.time <= until);
        lines.sort_by_key(|l| l.time);
        (lines, valid)
    }

    /// The profile of the user simulated last (a trace's header).
    pub fn profile(&self) -> super::UserProfile {
        self.world.user.profile
    }

    /// Runs the timeline to `until`, measuring from the end of the warm-up:
    /// the first moment at or after `simulation.warmup` when no visit is
    /// under way (a visit that straddles it belongs to the warm-up whole, so
    /// every counter of a visit is in the same window).
    fn run_measured(&mut self, until: u64) {
        if !self.world.metrics.measuring {
            let warmup = self.world.cfg.warmup.min(until);
            self.sim.run_until(&mut self.world, warmup);
            // Event by event: the warm-up ends after the first event that
            // leaves no visit under way, so no hop runs inline here.
            let inline = std::mem::replace(&mut self.world.inline_hops, false);
            while self.world.browser.visit.is_some() {
                if !self.sim.step(&mut self.world, until) {
                    // Busy until the end: nothing of this user is measured
                    // but its sessions alive then (and it counts as a user).
                    self.world.end_warmup(until, true);
                    self.world.inline_hops = inline;
                    return;
                }
            }
            self.world.inline_hops = inline;
            self.world.end_warmup(self.sim.now().max(warmup), false);
        }
        self.sim.run_until(&mut self.world, until);
    }

    /// Counters of every user simulated so far (the per-second AS loads may
    /// still be buffered: [`Simulator::into_metrics`] flushes them).
    pub fn metrics(&self) -> &Metrics {
        &self.world.metrics
    }

    /// The metrics of every user simulated so far.
    pub fn into_metrics(mut self) -> Metrics {
        self.world.metrics.flush();
        self.world.metrics
    }
}
#[cfg(test)]
mod tests {
    /// The event queue moves events around: a hop (with a 16-bit app index)
    /// and an event stay as small as with the 8-bit index they replaced.
    #[test]
    fn a_hop_is_4_bytes_and_an_event_8() {
        assert_eq!(std::mem::size_of::<super::Msg>(), 4);
        assert_eq!(std::mem::size_of::<super::Event>(), 8);
    }
}
