//! One log record as an Auth0 log event: a JSON object in the shape of the
//! Management API's `GET /api/v2/logs` entries.
//!
//! Every event carries `log_id`, `date`, `type`, `description`, `client_id`,
//! `client_name`, `connection`, `connection_id`, `strategy`,
//! `strategy_type`, `user_id`, `user_name`, `ip`, `user_agent`, `is_mobile`,
//! `hostname`, `tenant_name`, `environment_name` and `details`, in that
//! order, plus `audience` on the types whose schema requires it (`fsa`,
//! `sertft`, `fertft`, `ferrt`). That covers every field each type's schema
//! in `auth0/auth0-log-schemas` (`schemas/log-types/<type>.schema.json`)
//! requires, with its JSON type; `details` holds what the schema requires
//! of it (`ferrt`: `familyId`, `latestCounter`, `tokenCounter`; `scp`:
//! `body`; `s`: each prompt's `requiredCaptcha` and `session_id`).
//! A password change (`scp`) belongs to no application: `client_id` is
//! `null` and `client_name` empty, as Auth0 writes them.

use super::tenant::{Tenant, push_hex, push_u64};
use crate::model::{LogKind, LogRecord};

/// The `description` Auth0 gives each event type.
pub fn description(kind: LogKind) -> &'static str {
    match kind {
        LogKind::LoginInteractive | LogKind::LoginSso => "Successful login",
        LogKind::SilentSuccess => "Successful silent authentication",
        LogKind::SilentFailure => "Login required",
        LogKind::CodeExchange => "Authorization Code for Access Token",
        LogKind::RefreshExchange => "Refresh Token for Access Token",
        LogKind::RefreshFailed => "Unknown or invalid refresh token.",
        LogKind::RefreshReused => {
            "Unsuccessful Refresh Token exchange, reused refresh token detected"
        }
        LogKind::Logout => "User successfully logged out",
        LogKind::MfaStarted => "Second factor started.",
        LogKind::MfaSucceeded => "Second factor authentication succeeded.",
        LogKind::PasswordChanged => "Password changed",
    }
}

/// Appends the JSON object of record `r` (no newline) to `out`.
pub fn write_event(out: &mut Vec<u8>, tenant: &Tenant, r: &LogRecord) {
    let key = tenant.user_key(r.user);
    let conn = usize::from(r.connection).min(tenant.connections.len() - 1);
    // 900, the user's unique key (20 digits), the user's sequence (10 digits).
    out.extend_from_slice(b"{\"log_id\":\"900");
    push_padded(out, key, 20);
    push_padded(out, u64::from(r.seq), 10);
    out.extend_from_slice(b"\",\"date\":\"");
    crate::calendar::write_iso(out, tenant.date_ms(r.time));
    out.extend_from_slice(b"\",\"type\":\"");
    out.extend_from_slice(r.kind.code().as_bytes());
    out.extend_from_slice(b"\",\"description\":\"");
    out.extend_from_slice(description(r.kind).as_bytes());
    out.extend_from_slice(b"\",");
    if r.kind == LogKind::PasswordChanged {
        out.extend_from_slice(b"\"client_id\":null,\"client_name\":\"\"");
    } else {
        let app = usize::from(r.app).min(tenant.apps.len() - 1);
        out.extend_from_slice(tenant.apps[app].as_bytes());
    }
    out.push(b',');
    out.extend_from_slice(tenant.connections[conn].as_bytes());
    out.extend_from_slice(b",\"user_id\":\"");
    write_user_id(out, tenant, conn, key);
    out.extend_from_slice(b"\",\"user_name\":\"user");
    push_hex(out, key, 16);
    out.extend_from_slice(b"@example.com\",\"ip\":\"");
    super::tenant::ip(r.identity, out);
    let (agent, mobile) = tenant.user_agent(r.identity, r.browser);
    out.extend_from_slice(b"\",\"user_agent\":\"");
    out.extend_from_slice(agent.as_bytes());
    out.extend_from_slice(if mobile {
        b"\",\"is_mobile\":true,"
    } else {
        b"\",\"is_mobile\":false,"
    });
    out.extend_from_slice(tenant.place.as_bytes());
    if matches!(
        r.kind,
        LogKind::SilentFailure
            | LogKind::RefreshExchange
            | LogKind::RefreshFailed
            | LogKind::RefreshReused
    ) {
        out.extend_from_slice(b",\"audience\":\"");
        out.extend_from_slice(tenant.audience.as_bytes());
        out.push(b'"');
    }
    out.extend_from_slice(b",\"details\":");
    write_details(out, tenant, r, conn, key);
    out.push(b'}');
}

/// `<prefix>|<digits>` for social and enterprise users, `auth0|<24 hex>`
/// for database users.
/// Appends `n` as `width` decimal digits, zero-padded.
fn push_padded(out: &mut Vec<u8>, n: u64, width: usize) {
    let start = out.len();
    push_u64(out, n);
    let digits = out.len() - start;
    if digits < width {
        out.splice(start..start, std::iter::repeat_n(b'0', width - digits));
    }
}

fn write_user_id(out: &mut Vec<u8>, tenant: &Tenant, conn: usize, key: u64) {
    out.extend_from_slice(tenant.user_prefixes[conn].as_bytes());
    out.push(b'|');
    if conn == 0 {
        push_hex(out, tenant.seed_mix >> 32, 8);
        push_hex(out, key, 16);
    } else {
        push_u64(out, key);
    }
}

/// A session (or refresh-token family) id: 32 hex digits, unique per user
/// and start time.
fn write_session_id(out: &mut Vec<u8>, tenant: &Tenant, key: u64, since: u64) {
    push_hex(out, key, 16);
    push_hex(out, super::tenant::mix(since ^ tenant.seed_mix), 16);
}

fn write_details(out: &mut Vec<u8>, tenant: &Tenant, r: &LogRecord, conn: usize, key: u64) {
    match r.kind {
        LogKind::LoginInteractive | LogKind::LoginSso => {
            out.extend_from_slice(b"{\"prompts\":[");
            if r.kind == LogKind::LoginInteractive {
                out.extend_from_slice(b"{\"name\":\"login\",\"flow\":\"universal-login\",");
                out.extend_from_slice(tenant.connections[conn].as_bytes());
                out.extend_from_slice(b",\"completedAt\":");
                push_u64(out, tenant.date_ms(r.time));
                out.extend_from_slice(b",\"stats\":{\"loginsCount\":");
                push_u64(out, u64::from(r.count));
                out.extend_from_slice(b"},\"requiredCaptcha\":false,\"session_id\":\"");
                write_session_id(out, tenant, key, r.session);
                out.extend_from_slice(b"\"}");
            }
            out.extend_from_slice(b"],\"session_id\":\"");
            write_session_id(out, tenant, key, r.session);
            out.extend_from_slice(b"\",\"stats\":{\"loginsCount\":");
            push_u64(out, u64::from(r.count));
            out.extend_from_slice(b"}}");
        }
        LogKind::SilentSuccess => {
            out.extend_from_slice(b"{\"prompts\":[],\"session_id\":\"");
            write_session_id(out, tenant, key, r.session);
            out.extend_from_slice(b"\"}");
        }
        LogKind::SilentFailure => out.extend_from_slice(
            b"{\"qs\":{\"prompt\":\"none\",\"response_mode\":\"web_message\"},\"error\":{\"message\":\"Login required\",\"oauthError\":\"login_required\",\"type\":\"oauth-authorization\"}}",
        ),
        LogKind::CodeExchange => out.extend_from_slice(b"{\"code\":\"******\"}"),
        LogKind::RefreshExchange | LogKind::RefreshFailed | LogKind::RefreshReused => {
            out.extend_from_slice(b"{\"familyId\":\"");
            write_session_id(out, tenant, key, r.session);
            out.extend_from_slice(b"\",\"tokenCounter\":");
            push_u64(out, u64::from(r.count));
            if r.kind == LogKind::RefreshReused {
                out.extend_from_slice(b",\"latestCounter\":");
                push_u64(out, u64::from(r.latest));
            }
            out.push(b'}');
        }
        LogKind::Logout => {
            let app = usize::from(r.app).min(tenant.return_to.len() - 1);
            out.extend_from_slice(b"{\"return_to\":\"");
            out.extend_from_slice(tenant.return_to[app].as_bytes());
            out.extend_from_slice(b"\",\"federated\":");
            out.extend_from_slice(if r.count == 1 { b"true" } else { b"false" });
            out.extend_from_slice(b",\"session_id\":\"");
            write_session_id(out, tenant, key, r.session);
            out.extend_from_slice(b"\"}");
        }
        LogKind::MfaStarted | LogKind::MfaSucceeded => {
            out.extend_from_slice(b"{\"authenticator\":{\"id\":\"otp|dev_");
            push_hex(out, key, 16);
            out.extend_from_slice(b"\",\"type\":\"otp\"}}");
        }
        LogKind::PasswordChanged => {
            out.extend_from_slice(b"{\"body\":{\"connection\":\"");
            out.extend_from_slice(super::tenant::PASSWORD_CONNECTION.as_bytes());
            out.extend_from_slice(b"\"}}");
        }
    }
}
