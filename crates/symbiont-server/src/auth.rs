//! Passwords (argon2), opaque session tokens (random, stored as SHA-256 hashes), the caller
//! extractor, the JSON body extractor with field paths, and the per-token write rate limit.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, PasswordHash};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use symbiont_store::User;

use crate::AppState;
use crate::error::{ApiError, FieldError};

/// A new secret token: 32 bytes from the operating system's random source, hex-encoded.
/// Tokens are secrets, so they come from the OS RNG, not from a seeded simulation stream.
pub fn new_token() -> Result<String, ApiError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(ApiError::internal)?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// The hash under which a token is stored.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|x| format!("{x:02x}")).collect()
}

/// Hash a password with argon2id (default parameters, random salt).
pub fn hash_password(pw: &str) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(pw.as_bytes())
        .map(|h| h.to_string())
        .map_err(ApiError::internal)
}

/// Check a password against its stored hash.
pub fn verify_password(pw: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .is_ok_and(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
}

/// The one form in which usernames are stored and looked up, so that `ADMIN`, `Ａdmin`
/// (full-width) or `ad\u{200b}min` cannot sit beside `admin`:
///
/// 1. a name with an invisible character is refused: control characters, format characters
///    (Unicode category Cf: zero-width spaces and joiners U+200B..U+200F, bidirectional
///    controls, word joiners U+2060..U+2064, the byte-order mark U+FEFF, soft hyphen, tags…)
///    and the other default-ignorable code points (variation selectors, Hangul fillers, …);
/// 2. surrounding whitespace is trimmed;
/// 3. the name is put in Unicode NFKC (compatibility forms such as full-width letters and
///    ligatures become their plain letters), lowercased with [`str::to_lowercase`] (Unicode's
///    full lowercase mapping; not full case folding, so `ß` stays `ß` and is not `ss`), and
///    put in NFKC again (lowercasing can leave a string that is not);
/// 4. the result has 1 to 64 characters.
///
pub fn normalise_username(raw: &str) -> Result<String, UsernameError> {
    if let Some((i, c)) = raw.chars().enumerate().find(|&(_, c)| is_invisible(c)) {
        return Err(UsernameError::Invisible { code: u32::from(c), at: i + 1 });
    }
    let name = username_key(raw);
    let n = name.chars().count();
    if n == 0 || n > 64 {
        return Err(UsernameError::Length);
    }
    Ok(name)
}

/// Why a username is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    /// An invisible character ([`is_invisible`]), at a 1-based character position.
    #[error(
        "contains an invisible or control character (U+{code:04X} at character {at}); \
         usernames are visible text"
    )]
    Invisible { code: u32, at: usize },
    /// Empty, or longer than 64 characters, in the normal form.
    #[error("1 to 64 characters")]
    Length,
}

/// Steps 2 and 3 of [`normalise_username`], with invisible characters dropped instead of
/// refused: the key under which two names are the same (also for names stored before
/// normalisation).
pub fn username_key(raw: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let visible: String = raw.chars().filter(|&c| !is_invisible(c)).collect();
    let lower = visible.trim().nfkc().collect::<String>().to_lowercase();
    lower.nfkc().collect::<String>().trim().to_string()
}

/// Control characters, format characters (Cf) and default-ignorable code points: characters
/// that print as nothing, or move text around, and would let two names look the same.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(u32::from(c),
            0x00AD | 0x034F | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x0890..=0x0891
            | 0x08E2 | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F | 0x200B..=0x200F
            | 0x2028..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0
            | 0xFFF0..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF)
}

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub token_hash: String,
}

impl Caller {
    pub fn is(&self, role: &str) -> bool {
        self.user.role == role
    }
    pub fn require(&self, roles: &[&str], what: &str) -> Result<(), ApiError> {
        if roles.contains(&self.user.role.as_str()) {
            Ok(())
        } else {
            Err(ApiError::forbidden(what))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(ApiError::unauthenticated)?;
        let th = token_hash(token.trim());
        let now = crate::now_ms();
        let user = match st.sessions.get(&th, now) {
            Some(u) => u,
            None => {
                let u =
                    st.store.session_user(&th, now).await?.ok_or_else(ApiError::unauthenticated)?;
                st.sessions.put(&th, &u, now);
                u
            }
        };
        if matches!(parts.method, Method::POST | Method::PUT | Method::DELETE | Method::PATCH)
            && let Err(wait_s) = st.limiter.allow(&th, now)
        {
            let mut e = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "too many writes with this token (limit {} per second, burst {}); retry \
                     after {wait_s} s",
                    st.config.write_rate_per_s, st.config.write_burst
                ),
            );
            e.retry_after_s = Some(wait_s);
            return Err(e);
        }
        Ok(Caller { user, token_hash: th })
    }
}

/// A short-lived cache of live sessions (a few seconds), so reads do not hit the database
/// for the token. Logout removes the entry at once.
#[derive(Debug, Default)]
pub struct SessionCache {
    map: Mutex<HashMap<String, (User, i64)>>,
}

const SESSION_CACHE_MS: i64 = 5_000;

impl SessionCache {
    fn get(&self, th: &str, now: i64) -> Option<User> {
        let m = self.map.lock().ok()?;
        m.get(th).filter(|(_, at)| now - at < SESSION_CACHE_MS).map(|(u, _)| u.clone())
    }
    fn put(&self, th: &str, u: &User, now: i64) {
        if let Ok(mut m) = self.map.lock() {
            if m.len() > 10_000 {
                m.clear();
            }
            m.insert(th.to_string(), (u.clone(), now));
        }
    }
    pub fn remove(&self, th: &str) {
        if let Ok(mut m) = self.map.lock() {
            m.remove(th);
        }
    }
}

/// A token bucket per token for writes. A refused write takes no token, and says how long
/// until the bucket holds one again.
#[derive(Debug)]
pub struct RateLimiter {
    rate_per_s: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, i64)>>,
}

impl RateLimiter {
    pub fn new(rate_per_s: f64, burst: f64) -> Arc<Self> {
        Arc::new(RateLimiter { rate_per_s, burst, buckets: Mutex::new(HashMap::new()) })
    }
    /// Take a token for a write by `key` at `now` (ms); when there is none, the whole seconds
    /// (at least 1) until there is: the `Retry-After` of the 429.
    pub fn allow(&self, key: &str, now: i64) -> Result<(), NonZeroU32> {
        let Ok(mut m) = self.buckets.lock() else { return Ok(()) };
        let (tokens, at) = m.entry(key.to_string()).or_insert((self.burst, now));
        let refill = (now - *at).max(0) as f64 / 1000.0 * self.rate_per_s;
        *tokens = (*tokens + refill).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            return Ok(());
        }
        // A bucket that never refills (rate 0) or never holds a token (burst < 1): an hour.
        let wait = if self.rate_per_s > 0.0 && self.burst >= 1.0 {
            ((1.0 - *tokens) / self.rate_per_s).ceil().clamp(1.0, 3600.0)
        } else {
            3600.0
        };
        Err(NonZeroU32::new(wait as u32).unwrap_or(NonZeroU32::MIN))
    }
}

/// Read the whole body of a write (POST, PUT, PATCH, DELETE) before any handler runs, bounded
/// by the body limit (413 beyond).
///
/// A request refused before its handler reads the body (429 from the rate limit, 401, 403,
/// 404) would otherwise leave the body unread on the connection, and the HTTP server then
/// closes the connection instead of reading the next request: a client that waits out a 429
/// and retries would find its connection gone. Every write endpoint reads its body whole
/// anyway (JSON or CSV), so reading it first costs nothing more.
pub async fn read_writes_first(
    axum::extract::State(limit): axum::extract::State<usize>,
    req: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use futures_util::StreamExt;
    if !matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE) {
        return next.run(req).await;
    }
    let too_large =
        || ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "the request body is too large");
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large().into_response();
    }
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let mut buf = Vec::with_capacity(declared.map_or(0, |n| n as usize));
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(c) if buf.len() + c.len() > limit => return too_large().into_response(),
            Ok(c) => buf.extend_from_slice(&c),
            Err(_) => {
                return ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "the request body could not be read",
                )
                .into_response();
            }
        }
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(buf))).await
}

/// A JSON body; a malformed one answers 400 with the field path of the first problem.
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, st: &S) -> Result<Self, ApiError> {
        let ct = req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
        if !ct.starts_with("application/json") {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "expected a JSON body (Content-Type: application/json)",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, st).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "the request body is too large")
            } else {
                ApiError::validation("", e.body_text())
            }
        })?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize(de) {
            Ok(v) => Ok(Body(v)),
            Err(e) => {
                let path = e.path().to_string();
                let path = if path == "." { String::new() } else { path };
                let msg = e.into_inner().to_string();
                Err(ApiError::fields(vec![FieldError { path, message: msg }]))
            }
        }
    }
}
