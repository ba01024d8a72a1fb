//! The hops of the seeds' flows: every request, response, redirect and
//! back-channel call between actors is one [`Msg`], delivered after the
//! network latency. `app` is the index of the app whose flow the hop belongs to.

use crate::metrics::Endpoint;

/// Who sends or receives a hop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The user's browser.
    Browser,
    /// App `i`.
    App(u16),
    /// The authorization server.
    As,
    /// The user's identity provider `i`.
    Idp(u16),
}

/// One hop. Named after the request or response it carries.
///
/// Every variant's `app` is the index of the app whose flow the hop belongs
/// to; its other field (`renewal`, `mfa`, `federated`, `by`) is the one the
/// variant's doc explains.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    // browser → app
    /// `GET /page` (navigation starting a visit).
    PageRequest { app: u16 },
    /// `GET /callback` with a code (code grant) or tokens in the fragment (implicit).
    AppCallback { app: u16 },
    /// `GET /logout`.
    AppLogout { app: u16 },
    /// `GET /` after logout (`returnTo`).
    ReturnTo { app: u16 },
    // app → browser
    /// `200` the page.
    Page { app: u16 },
    /// `200` the single-page app's shell, which then runs silent authentication.
    SpaShell { app: u16 },
    /// `302 /authorize`.
    RedirectAuthorize { app: u16 },
    /// `302 /v2/logout`.
    RedirectV2Logout { app: u16 },
    /// `200` the logged-out page.
    LoggedOutPage { app: u16 },
    // app ⇄ AS, back channel
    /// `POST /oauth/token` (code exchange).
    TokenRequest { app: u16 },
    /// `200` tokens.
    TokenResponse { app: u16 },
    // browser → AS
    /// Top-level `GET /authorize`.
    Authorize { app: u16 },
    /// Hidden iframe `GET /authorize?prompt=none&response_mode=web_message`.
    SilentAuthorize { app: u16, renewal: bool },
    /// `GET /login`.
    LoginPage { app: u16 },
    /// `POST /login` with username and password.
    PostCredentials { app: u16 },
    /// `POST /login` choosing the user's identity provider.
    ChooseIdp { app: u16 },
    /// `GET /login/callback` back from the identity provider.
    AsIdpCallback { app: u16 },
    /// `POST /mfa` with the second factor.
    PostMfa { app: u16 },
    /// `GET /authorize/resume`: the login transaction goes on (`mfa`: to the
    /// MFA prompt, else to the app's callback).
    AuthorizeResume { app: u16, mfa: bool },
    /// `GET /v2/logout` (`federated` also logs out of the IdP).
    V2Logout { app: u16, federated: bool },
    // AS → browser
    /// `302 /login`.
    RedirectLogin { app: u16 },
    /// `200` the login prompt.
    LoginPrompt { app: u16 },
    /// `200` the MFA prompt.
    MfaPrompt { app: u16 },
    /// `302` to the IdP's dialog.
    RedirectIdp { app: u16 },
    /// `302` to the app's callback with a code or tokens.
    RedirectAppCallback { app: u16 },
    /// `302 /authorize/resume`: Universal Login hands the transaction back to
    /// `/authorize` after a prompt or the IdP's return.
    RedirectResume { app: u16, mfa: bool },
    /// `200` `postMessage` with tokens.
    WebMessageTokens { app: u16, renewal: bool },
    /// `200` `postMessage` with `error=login_required`.
    WebMessageLoginRequired { app: u16, renewal: bool },
    /// `302` to the IdP's logout (federated).
    RedirectIdpLogout { app: u16 },
    /// `302` to the app's `returnTo`.
    RedirectReturnTo { app: u16 },
    // browser → IdP
    /// `GET /dialog` (IdP authorization).
    IdpDialog { app: u16 },
    /// `POST /login` at the IdP.
    IdpPostCredentials { app: u16 },
    /// `GET /logout` at the IdP.
    IdpLogout { app: u16 },
    // IdP → browser
    /// `200` the IdP's login dialog.
    IdpPrompt { app: u16 },
    /// `302` to the AS's `/login/callback`.
    RedirectAsCallback { app: u16 },
    /// `302` to the app's `returnTo` after a federated logout.
    IdpRedirectReturnTo { app: u16 },
    // app-only logout and back-channel logout
    /// `302 /` from the app itself: an app-only logout.
    AppRedirectReturnTo { app: u16 },
    /// AS → app back channel: an OIDC back-channel `logout_token`.
    BackchannelLogout { app: u16 },
    // refresh tokens (from the browser for a SPA, the app for a native app)
    /// `POST /oauth/token` with `grant_type=refresh_token`.
    RefreshTokenRequest { app: u16, by: Exchanger },
    /// `200` tokens and a rotated refresh token.
    RefreshTokenGranted { app: u16, by: Exchanger },
    /// `400 invalid_grant`: the refresh token is expired, revoked or reused.
    RefreshTokenDenied { app: u16, by: Exchanger },
}

/// Who exchanges a refresh token, and when (one byte, so that a hop, and an
/// engine event, stay small).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exchanger {
    /// A single-page app, from the browser, loading a page.
    SpaLoad,
    /// A single-page app, from the browser, renewing its tokens in a visit.
    SpaRenewal,
    /// A native app, itself, before sending the user to `/authorize`.
    NativeApp,
}

impl Msg {
    /// True for a request the AS receives (not the `logout_token`s it sends):
    /// what an outage refuses.
    #[inline]
    pub fn to_as(self) -> bool {
        !matches!(self, Msg::BackchannelLogout { .. }) && self.endpoint().is_some()
    }

    /// The AS endpoint this hop is a request to (or, for a back-channel
    /// `logout_token`, the AS sends), counted in the AS's per-second load.
    #[inline]
    pub fn endpoint(self) -> Option<Endpoint> {
        Some(match self {
            Msg::Authorize { .. } => Endpoint::Authorize,
            Msg::SilentAuthorize { .. } => Endpoint::AuthorizeIframe,
            Msg::AuthorizeResume { .. } => Endpoint::AuthorizeResume,
            Msg::LoginPage { .. } => Endpoint::LoginPage,
            Msg::PostCredentials { .. } | Msg::ChooseIdp { .. } => Endpoint::LoginPost,
            Msg::AsIdpCallback { .. } => Endpoint::LoginCallback,
            Msg::PostMfa { .. } => Endpoint::MfaPost,
            Msg::TokenRequest { .. } => Endpoint::TokenCode,
            Msg::RefreshTokenRequest { .. } => Endpoint::TokenRefresh,
            Msg::V2Logout { .. } => Endpoint::Logout,
            Msg::BackchannelLogout { .. } => Endpoint::BackchannelLogout,
            _ => return None,
        })
    }

    /// Who sends the hop.
    #[inline]
    pub fn sender(self) -> Actor {
        self.describe(0).0
    }

    /// Sender, receiver and the HTTP line, for traces. `idp` is the user's IdP.
    pub fn describe(self, idp: u16) -> (Actor, Actor, &'static str) {
        use Actor::{App, As, Browser, Idp};
        match self {
            Msg::PageRequest { app } => (Browser, App(app), "GET /page"),
            Msg::AppCallback { app } => (Browser, App(app), "GET /callback"),
            Msg::AppLogout { app } => (Browser, App(app), "GET /logout"),
            Msg::ReturnTo { app } => (Browser, App(app), "GET / (returnTo)"),
            Msg::Page { app } => (App(app), Browser, "200 page"),
            Msg::SpaShell { app } => (App(app), Browser, "200 single-page app"),
            Msg::RedirectAuthorize { app } => (App(app), Browser, "302 /authorize"),
            Msg::RedirectV2Logout { app } => (App(app), Browser, "302 /v2/logout"),
            Msg::LoggedOutPage { app } => (App(app), Browser, "200 logged-out page"),
            Msg::TokenRequest { app } => (App(app), As, "POST /oauth/token (back channel)"),
            Msg::TokenResponse { app } => (As, App(app), "200 tokens (back channel)"),
            Msg::Authorize { .. } => (Browser, As, "GET /authorize"),
            Msg::SilentAuthorize { renewal: false, .. } => (
                Browser,
                As,
                "GET /authorize?prompt=none&response_mode=web_message (iframe)",
            ),
            Msg::SilentAuthorize { renewal: true, .. } => (
                Browser,
                As,
                "GET /authorize?prompt=none&response_mode=web_message (iframe, renewal)",
            ),
            Msg::LoginPage { .. } => (Browser, As, "GET /login"),
            Msg::PostCredentials { .. } => (Browser, As, "POST /login (username, password)"),
            Msg::ChooseIdp { .. } => (Browser, As, "POST /login (connection)"),
            Msg::AsIdpCallback { .. } => (Browser, As, "GET /login/callback"),
            Msg::PostMfa { .. } => (Browser, As, "POST /mfa"),
            Msg::AuthorizeResume { .. } => (Browser, As, "GET /authorize/resume"),
            Msg::V2Logout {
                federated: false, ..
            } => (Browser, As, "GET /v2/logout"),
            Msg::V2Logout {
                federated: true, ..
            } => (Browser, As, "GET /v2/logout?federated"),
            Msg::RedirectLogin { .. } => (As, Browser, "302 /login"),
            Msg::LoginPrompt { .. } => (As, Browser, "200 login prompt"),
            Msg::MfaPrompt { .. } => (As, Browser, "200 MFA prompt"),
            Msg::RedirectIdp { .. } => (As, Browser, "302 identity provider"),
            Msg::RedirectAppCallback { .. } => (As, Browser, "302 /callback"),
            Msg::RedirectResume { .. } => (As, Browser, "302 /authorize/resume"),
            Msg::WebMessageTokens { .. } => (As, Browser, "200 web_message: tokens"),
            Msg::WebMessageLoginRequired { .. } => {
                (As, Browser, "200 web_message: error=login_required")
            }
            Msg::RedirectIdpLogout { .. } => (As, Browser, "302 identity provider logout"),
            Msg::RedirectReturnTo { .. } => (As, Browser, "302 returnTo"),
            Msg::IdpDialog { .. } => (Browser, Idp(idp), "GET /dialog"),
            Msg::IdpPostCredentials { .. } => (Browser, Idp(idp), "POST /login"),
            Msg::IdpLogout { .. } => (Browser, Idp(idp), "GET /logout"),
            Msg::IdpPrompt { .. } => (Idp(idp), Browser, "200 login dialog"),
            Msg::RedirectAsCallback { .. } => (Idp(idp), Browser, "302 /login/callback"),
            Msg::IdpRedirectReturnTo { .. } => (Idp(idp), Browser, "302 returnTo"),
            Msg::AppRedirectReturnTo { app } => (App(app), Browser, "302 / (app-only logout)"),
            Msg::BackchannelLogout { app } => {
                (As, App(app), "POST /backchannel-logout (logout_token)")
            }
            Msg::RefreshTokenRequest { app, by } => {
                let from = if by == Exchanger::NativeApp {
                    App(app)
                } else {
                    Browser
                };
                (from, As, "POST /oauth/token (grant_type=refresh_token)")
            }
            Msg::RefreshTokenGranted { app, by } => {
                let to = if by == Exchanger::NativeApp {
                    App(app)
                } else {
                    Browser
                };
                (As, to, "200 tokens, rotated refresh token")
            }
            Msg::RefreshTokenDenied { app, by } => {
                let to = if by == Exchanger::NativeApp {
                    App(app)
                } else {
                    Browser
                };
                (As, to, "400 invalid_grant")
            }
        }
    }
}
