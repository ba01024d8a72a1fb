//! The single sign-on world of design §2–§6: a browser, apps, the
//! authorization server (AS) and identity providers (IdP) exchanging hops.
//!
//! Users share no state (design §1), so the model is one `UserWorld` per
//! user timeline, run by the generic engine from time 0 to the end of the run,
//! and reused for the next user without allocating. Its actors are plain
//! structs and functions: `browser` (visits, cookies, following
//! redirects), `app` (local sessions, callbacks, code exchange),
//! `auth_server` (`/authorize`, prompts, `/oauth/token`, `/v2/logout`,
//! password reset) and `idp` (dialog, its own sessions).
//!
//! # The seeds' flows (hops abridged to their requests)
//!
//! ```text
//! password, regular web app (14 hops)  Facebook, AS session expired, Facebook's valid
//! browser  app   AS                    browser  app   AS    facebook
//!   |GET /page>|    |                    |GET /page>|    |       |
//!   |<302 /authorize|                    |<-302-----|    |       |
//!   |--GET /authorize-->|                |--GET /authorize->|    |
//!   |<--302 /login------|                |<-302 /login, 200 prompt (1 click)
//!   |--GET /login------>|                |--POST /login (connection)->|
//!   |<--200 prompt------|                |<-302 facebook----|        |
//!   |--POST credentials>| session        |--GET /dialog------------->| session valid:
//!   |<--302 /authorize/resume            |<-302 /login/callback------|  no prompt
//!   |--GET /authorize/resume>|           |--GET /login/callback->| new AS session
//!   |<--302 /callback---|                |<-302 /authorize/resume|   |
//!   |GET /callback>|    |                |--GET /authorize/resume>|  |
//!   |          |POST /oauth/token>|      |<-302 /callback---|    |
//!   |          |<--200 tokens-----|      |GET /callback>| code exchange |
//!   |<200 page-| local session            |<200 page-| local session
//! ```
//!
//! Universal Login resumes the login transaction at `/authorize/resume`
//! after each answered prompt (credentials, the IdP's return, MFA): two hops
//! more than the seeds' flows, as Auth0 tenants' traces show.
//!
//! A `spa_implicit` app serves its shell, then asks in a hidden iframe
//! `/authorize?prompt=none&response_mode=web_message`; tokens come back by
//! `postMessage`, or `login_required` sends a protected page to `/authorize`.

mod app;
mod auth_server;
mod browser;
mod causes;
mod config;
mod events;
mod idp;
mod logs;
mod message;
mod reach;
mod refresh;
mod sdk;
mod segments;
mod session;
mod trace;
mod user;
mod warmup;
mod world;

pub use config::ModelConfig;
pub use logs::{LogKind, LogRecord};
pub use message::{Actor, Msg};
pub use refresh::RefreshFamily;
pub use session::{EndCause, Session};
pub use trace::{LineKind, Outcome, ScriptedVisit, TraceLine, UserScript};
pub use user::{Device, ThirdPartyCookies, UserProfile};
pub use world::{Event, Simulator};
