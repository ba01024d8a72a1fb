//! What a single-page app's SDK (auth0-spa-js) keeps in the browser between
//! page loads, and what the browser lets it keep (issue 14).
//!
//! - **Token cache** (`apps[].token_cache`, the SDK's `cacheLocation`): with
//!   `memory` the tokens, refresh token included, live in the page and go
//!   when the visit ends; with `local_storage` they survive loads and browser
//!   closes, and go with a cookie clear, a logout, a private window's close or
//!   a script-storage purge.
//! - **Hint cookie** `auth0.is.authenticated`: set (from JavaScript) at each
//!   token response for `apps[].session_check_expiry`, at most the browser's
//!   script-cookie cap; removed by a logout and by a `login_required` answer
//!   (the SDK's local logout). On load, `checkSession` skips its silent
//!   authentication when the cookie is gone (auth0-spa-js `src/Auth0Client.ts`,
//!   `checkSession`). With a `local_storage` cache the app reads the user from
//!   the cache (`getUser`), so it goes on to `getTokenSilently` whatever the
//!   cookie: the rule applies to a `memory` cache.
//! - **Script-storage cap** (Safari ITP): storage a script wrote on a site is
//!   deleted when the site was not visited for longer than the cap. ssosim
//!   assumes the browser is used daily, so the cap counts calendar time since
//!   the last page load of the app (each app is its own site).

use super::config::BrowserModel;
use super::world::UserWorld;
use crate::metrics::Cause;
use crate::scenario::TokenCache;

impl UserWorld<'_> {
    /// The browser kind of this user's browser, when the profile has one.
    #[inline]
    pub(super) fn browser_kind(&self) -> Option<&BrowserModel> {
        self.user
            .profile
            .browser
            .map(|i| &self.cfg.browsers[i as usize])
    }

    /// Until when app `app`'s stored tokens escape the script-storage cap:
    /// its last page load plus the cap; `None` without a cap or a stored cache.
    #[inline]
    pub(super) fn storage_deadline(&self, app: u16) -> Option<u64> {
        let a = app as usize;
        if self.cfg.apps[a].token_cache != TokenCache::LocalStorage {
            return None;
        }
        let cap = self.browser_kind()?.storage_cap?;
        Some(self.site_loaded[a]?.saturating_add(cap))
    }

    /// The SPA's page loads at `now`: storage left unvisited past the cap was
    /// deleted at the cap (its refresh token with it, `storage_purged`, unless
    /// it had expired before); then this load is a visit of the site.
    pub(super) fn spa_page_load(&mut self, app: u16, now: u64) {
        if let Some(deadline) = self.storage_deadline(app)
            && now >= deadline
            && self.rt_client[app as usize].is_some()
        {
            match self.token_alive_until(app) {
                Some(expiry) if expiry <= deadline => {
                    self.refresh_token_lost(app, Cause::RefreshTokenExpired, expiry)
                }
                _ => self.refresh_token_lost(app, Cause::StoragePurged, deadline),
            }
            self.forget_refresh_token(app, deadline);
            self.note(deadline, || {
                "the browser deletes the site's script storage (not visited for longer than its cap): the stored refresh token is gone".to_string()
            });
        }
        self.site_loaded[app as usize] = Some(now);
        // The load moves the token's interval only through the storage cap
        // (its deadline follows the last load): without one, on the fast
        // path, the update can wait (issue 20).
        if self.token_intervals_in_step() && self.storage_deadline(app).is_none() {
            return;
        }
        self.refresh_reach(app, now);
    }

    /// True when the SDK skips its session check on this load: a `memory`
    /// cache and no `auth0.is.authenticated` cookie.
    pub(super) fn session_check_skipped(&self, app: u16, now: u64) -> bool {
        self.cfg.apps[app as usize].token_cache == TokenCache::Memory
            && self.hint_until[app as usize] <= now
    }

    /// Tokens reached the SPA at `now`: the SDK sets its hint cookie for
    /// `session_check_expiry`, at most the browser's script-cookie cap.
    pub(super) fn set_hint_cookie(&mut self, app: u16, now: u64) {
        let mut life = self.cfg.apps[app as usize].session_check_expiry;
        if let Some(cap) = self.browser_kind().and_then(|b| b.cookie_cap) {
            life = life.min(cap);
        }
        self.hint_until[app as usize] = now.saturating_add(life);
    }

    /// The SDK's local logout (a logout, a `login_required` answer) or lost
    /// browser data remove the hint cookie.
    pub(super) fn clear_hint_cookie(&mut self, app: u16) {
        self.hint_until[app as usize] = 0;
    }

    /// The visit of app `app` ends at `t`: a `memory` cache goes with the
    /// page, refresh token included (not a cause of later prompts: it never
    /// kept the user logged in between visits).
    pub(super) fn spa_page_left(&mut self, app: u16, t: u64) {
        let a = app as usize;
        if !self.cfg.apps[a].kind.uses_code_grant()
            && self.cfg.apps[a].token_cache == TokenCache::Memory
            && self.rt_client[a].is_some()
        {
            self.forget_refresh_token(app, t);
        }
    }
}
