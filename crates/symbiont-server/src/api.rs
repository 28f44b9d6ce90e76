//! The HTTP handlers under `/api`, their authorisation rules, and the OpenAPI document.
//!
//! Authorisation is checked on every object: objects a caller may not see answer 404 (ids
//! cannot be probed), actions on visible objects the caller may not take answer 403.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::stream::{self, Stream};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use symbiont_store::{
    AuditEntry, Case, CaseStats, Entity, EntityFilter, Job, NewCase, NewUser, Page,
    ScenarioSummary, ScenarioVersion, Task, User, page_bounds,
};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::AppState;
use crate::auth::{
    Body, Caller, UsernameError, hash_password, new_token, normalise_username, token_hash,
    username_key, verify_password,
};
use crate::error::{ApiDiagnostic, ApiError, ErrorBody, FieldError, RowError};

type R<T> = Result<T, ApiError>;

pub const ROLES: [&str; 4] = ["admin", "officer", "enterprise", "analyst"];
pub const KINDS: [&str; 11] = [
    "government",
    "department",
    "enterprise",
    "enterprise_group",
    "host_firm_group",
    "university",
    "research_institute",
    "finance",
    "intermediary",
    "promoting_org",
    "park",
];
pub const FACTORS: [&str; 6] = ["capital", "talent", "technology", "information", "land", "labour"];

/// Pagination.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQ {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

// ---------------------------------------------------------------- auth and users

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Bootstrap {
    pub token: String,
    pub username: String,
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Session {
    pub token: String,
    pub expires_at: i64,
    pub user: User,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserReq {
    pub username: String,
    pub password: String,
    pub role: String,
    pub department_id: Option<String>,
    pub entity_id: Option<String>,
}

/// The username in its stored form ([`normalise_username`]) and the password's problems. A
/// name with invisible characters answers 422 at once; other problems are listed (400).
fn check_credentials(username: &str, password: &str) -> R<(String, Vec<FieldError>)> {
    let mut f = Vec::new();
    let name = match normalise_username(username) {
        Ok(n) => n,
        Err(e @ UsernameError::Invisible { .. }) => {
            let mut err = ApiError::validation("username", e.to_string());
            err.status = StatusCode::UNPROCESSABLE_ENTITY;
            return Err(err);
        }
        Err(e @ UsernameError::Length) => {
            f.push(FieldError { path: "username".into(), message: e.to_string() });
            String::new()
        }
    };
    if password.len() < 8 || password.len() > 256 {
        f.push(FieldError { path: "password".into(), message: "8 to 256 characters".into() });
    }
    Ok((name, f))
}

/// Refuse a username whose normal form an existing user's name already has, also a name stored
/// before usernames were normalised (the database's UNIQUE catches the rest).
async fn check_username_free(st: &AppState, name: &str) -> R<()> {
    let taken = st.store.usernames().await?.into_iter().find(|u| username_key(u) == name);
    match taken {
        Some(u) if u == name => {
            Err(ApiError::conflict(format!("the username \"{name}\" is taken")))
        }
        Some(u) => Err(ApiError::conflict(format!(
            "the username \"{name}\" is taken: it is the same name as the user \"{u}\" \
             (usernames are compared in Unicode NFKC, lowercase)"
        ))),
        None => Ok(()),
    }
}

async fn session_for(st: &AppState, user: User) -> R<Session> {
    let token = new_token()?;
    let now = crate::now_ms();
    let expires_at = now + st.config.token_ttl_s * 1000;
    st.store.create_session(&token_hash(&token), user.id, now, expires_at).await?;
    Ok(Session { token, expires_at, user })
}

async fn hash_blocking(pw: String) -> R<String> {
    tokio::task::spawn_blocking(move || hash_password(&pw)).await.map_err(ApiError::internal)?
}

#[utoipa::path(post, path = "/api/auth/bootstrap", tag = "auth", request_body = Bootstrap,
    responses((status = 200, body = Session), (status = 403, body = ErrorBody)))]
async fn bootstrap(State(st): State<AppState>, Body(b): Body<Bootstrap>) -> R<Json<Session>> {
    let (username, f) = check_credentials(&b.username, &b.password)?;
    if !f.is_empty() {
        return Err(ApiError::fields(f));
    }
    let admin = NewUser {
        username,
        password_hash: hash_blocking(b.password).await?,
        role: "admin".into(),
        department_id: None,
        entity_id: None,
    };
    let user = st
        .store
        .bootstrap_admin(&token_hash(&b.token), &admin, crate::now_ms())
        .await?
        .ok_or_else(|| {
            ApiError::new(StatusCode::FORBIDDEN, "the bootstrap token is wrong or spent")
        })?;
    Ok(Json(session_for(&st, user).await?))
}

#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = Login,
    responses((status = 200, body = Session), (status = 401, body = ErrorBody)))]
async fn login(State(st): State<AppState>, Body(b): Body<Login>) -> R<Json<Session>> {
    // The stored form of the name; then, for an account stored before usernames were
    // normalised, the name exactly as typed.
    let mut found = None;
    if let Ok(name) = normalise_username(&b.username) {
        found = st.store.user_for_login(&name).await?;
    }
    if found.is_none() && username_key(&b.username) != b.username {
        found = st.store.user_for_login(&b.username).await?;
    }
    let (user, hash) = match found {
        Some(x) => x,
        None => return Err(ApiError::new(StatusCode::UNAUTHORIZED, "wrong username or password")),
    };
    let pw = b.password;
    let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &hash))
        .await
        .map_err(ApiError::internal)?;
    if !ok {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "wrong username or password"));
    }
    Ok(Json(session_for(&st, user).await?))
}

#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", responses((status = 204)))]
async fn logout(State(st): State<AppState>, c: Caller) -> R<StatusCode> {
    st.store.revoke_session(&c.token_hash).await?;
    st.sessions.remove(&c.token_hash);
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/me", tag = "auth", responses((status = 200, body = User)))]
async fn me(c: Caller) -> Json<User> {
    Json(c.user)
}

#[utoipa::path(get, path = "/api/users", tag = "auth", params(PageQ),
    responses((status = 200, body = Page<User>)))]
async fn list_users(
    State(st): State<AppState>,
    c: Caller,
    Query(p): Query<PageQ>,
) -> R<Json<Page<User>>> {
    c.require(&["admin"], "list users")?;
    let (l, o) = page_bounds(p.limit, p.offset);
    Ok(Json(st.store.list_users(l, o).await?))
}

#[utoipa::path(post, path = "/api/users", tag = "auth", request_body = NewUserReq,
    responses((status = 200, body = User), (status = 400, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_user(
    State(st): State<AppState>,
    c: Caller,
    Body(b): Body<NewUserReq>,
) -> R<Json<User>> {
    c.require(&["admin"], "create users")?;
    let (username, mut f) = check_credentials(&b.username, &b.password)?;
    if !ROLES.contains(&b.role.as_str()) {
        f.push(FieldError { path: "role".into(), message: format!("one of {}", ROLES.join(", ")) });
    }
    let need = |kind: &str, id: &Option<String>, path: &str, f: &mut Vec<FieldError>| {
        if id.is_none() {
            f.push(FieldError {
                path: path.into(),
                message: format!("required for the role {kind}"),
            });
        }
    };
    if b.role == "officer" {
        need("officer", &b.department_id, "department_id", &mut f);
    }
    if b.role == "enterprise" {
        need("enterprise", &b.entity_id, "entity_id", &mut f);
    }
    if let Some(d) = &b.department_id
        && !matches!(st.store.entity(d).await, Ok(e) if e.kind == "department")
    {
        f.push(FieldError {
            path: "department_id".into(),
            message: format!("no department \"{d}\" in the registry"),
        });
    }
    if let Some(e) = &b.entity_id
        && !matches!(st.store.entity(e).await, Ok(x) if x.kind == "enterprise")
    {
        f.push(FieldError {
            path: "entity_id".into(),
            message: format!("no enterprise \"{e}\" in the registry"),
        });
    }
    if !f.is_empty() {
        return Err(ApiError::fields(f));
    }
    check_username_free(&st, &username).await?;
    let u = NewUser {
        username,
        password_hash: hash_blocking(b.password).await?,
        role: b.role,
        department_id: b.department_id,
        entity_id: b.entity_id,
    };
    Ok(Json(st.store.create_user(&u, crate::now_ms()).await?))
}

// ---------------------------------------------------------------- registry

#[derive(Debug, Deserialize, IntoParams)]
pub struct EntityQ {
    pub kind: Option<String>,
    pub side: Option<String>,
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// An entity as written by a client.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntityIn {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub side: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub chain: String,
    #[serde(default)]
    pub endowments: BTreeMap<String, f64>,
    #[serde(default)]
    pub needs: BTreeMap<String, f64>,
}

fn check_entity(e: &EntityIn, prefix: &str) -> Vec<FieldError> {
    let mut f = Vec::new();
    let p = |s: &str| if prefix.is_empty() { s.to_string() } else { format!("{prefix}.{s}") };
    let id_ok = !e.id.is_empty()
        && e.id.len() <= 64
        && e.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !id_ok {
        f.push(FieldError { path: p("id"), message: "1 to 64 letters, digits, _ or -".into() });
    }
    if !KINDS.contains(&e.kind.as_str()) {
        f.push(FieldError { path: p("kind"), message: format!("one of {}", KINDS.join(", ")) });
    }
    if e.name.trim().is_empty() || e.name.len() > 200 {
        f.push(FieldError { path: p("name"), message: "1 to 200 characters".into() });
    }
    if !matches!(e.side.as_str(), "home" | "host") {
        f.push(FieldError { path: p("side"), message: "home or host".into() });
    }
    for (what, m) in [("endowments", &e.endowments), ("needs", &e.needs)] {
        for (k, v) in m {
            if !FACTORS.contains(&k.as_str()) {
                f.push(FieldError {
                    path: p(&format!("{what}.{k}")),
                    message: format!("a factor: one of {}", FACTORS.join(", ")),
                });
            } else if !v.is_finite() || *v < 0.0 {
                f.push(FieldError {
                    path: p(&format!("{what}.{k}")),
                    message: "a number >= 0".into(),
                });
            }
        }
    }
    f
}

/// An entity's region, sector and side against the vocabulary ([`crate::vocab`]): 422 with
/// the fields, the allowed words and a "did you mean".
async fn check_vocabulary(st: &AppState, e: &EntityIn) -> R<()> {
    let Some(voc) = crate::vocab::vocabulary(st).await? else { return Ok(()) };
    let f = voc.check(&e.region, &e.sector, &e.side, "");
    if f.is_empty() {
        return Ok(());
    }
    let mut err = ApiError::fields(f);
    err.status = StatusCode::UNPROCESSABLE_ENTITY;
    Err(err)
}

fn to_entity(e: EntityIn, now: i64) -> Entity {
    Entity {
        id: e.id,
        kind: e.kind,
        name: e.name,
        side: e.side,
        region: e.region,
        sector: e.sector,
        chain: e.chain,
        endowments: e.endowments,
        needs: e.needs,
        created_at: now,
        updated_at: now,
    }
}

#[utoipa::path(get, path = "/api/entities", tag = "registry", params(EntityQ),
    responses((status = 200, body = Page<Entity>)))]
async fn list_entities(
    State(st): State<AppState>,
    _c: Caller,
    Query(q): Query<EntityQ>,
) -> R<Json<Page<Entity>>> {
    let (l, o) = page_bounds(q.limit, q.offset);
    let f = EntityFilter { kind: q.kind, side: q.side, q: q.q.filter(|s| !s.is_empty()) };
    // Searches go to the database; plain lists come from the read cache.
    if f.q.is_some() {
        return Ok(Json(st.store.list_entities(&f, l, o).await?));
    }
    let key = (f.kind.clone(), f.side.clone(), l, o);
    let cache = &st.caches.entity_pages;
    if let Some(p) = cache.get(&key) {
        return Ok(Json(Page::clone(&p)));
    }
    let g = cache.generation();
    let p = st.store.list_entities(&f, l, o).await?;
    cache.put(key, std::sync::Arc::new(p.clone()), g);
    Ok(Json(p))
}

#[utoipa::path(get, path = "/api/entities/{id}", tag = "registry",
    responses((status = 200, body = Entity), (status = 404, body = ErrorBody)))]
async fn get_entity(
    State(st): State<AppState>,
    _c: Caller,
    Path(id): Path<String>,
) -> R<Json<Entity>> {
    let cache = &st.caches.entity;
    if let Some(e) = cache.get(&id) {
        return Ok(Json(Entity::clone(&e)));
    }
    let g = cache.generation();
    let e = st.store.entity(&id).await?;
    cache.put(id, std::sync::Arc::new(e.clone()), g);
    Ok(Json(e))
}

#[utoipa::path(post, path = "/api/entities", tag = "registry", request_body = EntityIn,
    responses((status = 200, body = Entity), (status = 400, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_entity(
    State(st): State<AppState>,
    c: Caller,
    Body(b): Body<EntityIn>,
) -> R<Json<Entity>> {
    c.require(&["admin", "analyst"], "write the registry")?;
    let f = check_entity(&b, "");
    if !f.is_empty() {
        return Err(ApiError::fields(f));
    }
    check_vocabulary(&st, &b).await?;
    let now = crate::now_ms();
    let r = st.store.create_entity(&to_entity(b, now), now).await;
    st.caches.registry_written();
    Ok(Json(r?))
}

#[utoipa::path(put, path = "/api/entities/{id}", tag = "registry", request_body = EntityIn,
    responses((status = 200, body = Entity), (status = 400, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn replace_entity(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    Body(b): Body<EntityIn>,
) -> R<Json<Entity>> {
    c.require(&["admin", "analyst"], "write the registry")?;
    let mut f = check_entity(&b, "");
    if b.id != id {
        f.push(FieldError {
            path: "id".into(),
            message: format!("must equal the path's id \"{id}\""),
        });
    }
    if !f.is_empty() {
        return Err(ApiError::fields(f));
    }
    check_vocabulary(&st, &b).await?;
    let now = crate::now_ms();
    let r = st.store.replace_entity(&to_entity(b, now), now).await;
    st.caches.registry_written();
    Ok(Json(r?))
}

#[utoipa::path(delete, path = "/api/entities/{id}", tag = "registry",
    responses((status = 204), (status = 409, body = ErrorBody)))]
async fn delete_entity(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> R<StatusCode> {
    c.require(&["admin"], "delete entities")?;
    let r = st.store.delete_entity(&id).await;
    st.caches.registry_written();
    r?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Imported {
    pub imported: usize,
}

#[utoipa::path(post, path = "/api/entities/import", tag = "registry",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = Imported), (status = 400, body = ErrorBody)))]
async fn import_entities(State(st): State<AppState>, c: Caller, body: String) -> R<Json<Imported>> {
    c.require(&["admin", "analyst"], "write the registry")?;
    let mut rd = csv::ReaderBuilder::new().flexible(false).from_reader(body.as_bytes());
    let headers = rd.headers().map_err(|e| ApiError::validation("header", e.to_string()))?.clone();
    let mut rows = Vec::new();
    let mut list = Vec::new();
    for col in ["id", "kind", "name", "side"] {
        if !headers.iter().any(|h| h == col) {
            rows.push(RowError {
                line: 1,
                column: None,
                field: col.into(),
                message: "missing column".into(),
            });
        }
    }
    for h in headers.iter() {
        let known = ["id", "kind", "name", "side", "region", "sector", "chain"].contains(&h)
            || h.strip_prefix("endowment_")
                .or(h.strip_prefix("need_"))
                .is_some_and(|f| FACTORS.contains(&f));
        if !known {
            rows.push(RowError {
                line: 1,
                column: None,
                field: h.into(),
                message: "unknown column".into(),
            });
        }
    }
    let voc = crate::vocab::vocabulary(&st).await?;
    if rows.is_empty() {
        for rec in rd.records() {
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    rows.push(RowError {
                        line,
                        column: None,
                        field: String::new(),
                        message: e.to_string(),
                    });
                    continue;
                }
            };
            let line = rec.position().map_or(0, |p| p.line());
            let get = |k: &str| {
                headers
                    .iter()
                    .position(|h| h == k)
                    .and_then(|i| rec.get(i))
                    .unwrap_or("")
                    .to_string()
            };
            let mut e = EntityIn {
                id: get("id"),
                kind: get("kind"),
                name: get("name"),
                side: get("side"),
                region: get("region"),
                sector: get("sector"),
                chain: get("chain"),
                endowments: BTreeMap::new(),
                needs: BTreeMap::new(),
            };
            for (i, h) in headers.iter().enumerate() {
                let v = rec.get(i).unwrap_or("").trim();
                let (map, f) = match (h.strip_prefix("endowment_"), h.strip_prefix("need_")) {
                    (Some(f), _) => (&mut e.endowments, f),
                    (_, Some(f)) => (&mut e.needs, f),
                    _ => continue,
                };
                if v.is_empty() {
                    continue;
                }
                match v.parse::<f64>() {
                    Ok(x) => {
                        map.insert(f.to_string(), x);
                    }
                    Err(_) => rows.push(RowError {
                        line,
                        column: Some(i as u64 + 1),
                        field: h.to_string(),
                        message: format!("expected a number, found \"{v}\""),
                    }),
                }
            }
            let mut problems = check_entity(&e, "");
            if let Some(voc) = &voc {
                problems.extend(voc.check(&e.region, &e.sector, &e.side, ""));
            }
            for fe in problems {
                let col = headers.iter().position(|h| {
                    fe.path.starts_with(h)
                        || fe.path.replace("endowments.", "endowment_").replace("needs.", "need_")
                            == h
                });
                rows.push(RowError {
                    line,
                    column: col.map(|c| c as u64 + 1),
                    field: fe.path,
                    message: fe.message,
                });
            }
            list.push((line, e));
        }
    }
    // A referenced entity keeps its kind: the rows that would change it, with every reference.
    // (The store checks again in the import's transaction.)
    let kind_col = headers.iter().position(|h| h == "kind").map(|c| c as u64 + 1);
    for (line, e) in &list {
        let Ok(old) = st.store.entity(&e.id).await else { continue };
        if old.kind == e.kind {
            continue;
        }
        let refs = st.store.entity_references(&e.id).await?;
        if !refs.is_empty() {
            let why = symbiont_store::StoreError::KindBound {
                entity: e.id.clone(),
                kind: old.kind,
                new_kind: e.kind.clone(),
                refs,
            };
            rows.push(RowError {
                line: *line,
                column: kind_col,
                field: "kind".into(),
                message: why.to_string(),
            });
        }
    }
    if !rows.is_empty() {
        let mut err = ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("{} problem(s) in the CSV; nothing was imported", rows.len()),
        );
        err.rows = rows;
        return Err(err);
    }
    let now = crate::now_ms();
    let list: Vec<Entity> = list.into_iter().map(|(_, e)| to_entity(e, now)).collect();
    let r = st.store.upsert_entities(&list, now).await;
    st.caches.registry_written();
    let n = r?;
    Ok(Json(Imported { imported: n }))
}

// ---------------------------------------------------------------- scenarios

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewScenario {
    /// Optional id (letters, digits, _ or -); default: derived from the name.
    pub id: Option<String>,
    pub name: String,
    pub source: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceReq {
    pub source: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Validation {
    pub ok: bool,
    pub diagnostics: Vec<ApiDiagnostic>,
}

/// Check a scenario's source: the located diagnostics of the CLI.
pub fn diagnostics(source: &str) -> Vec<ApiDiagnostic> {
    match symbiont_model::parse_scenario(source, "scenario") {
        Ok(_) => Vec::new(),
        Err(d) => d
            .items
            .iter()
            .map(|x| {
                let end = x.span.end.min(source.len());
                let before = source.get(..end).unwrap_or("");
                let end_line = before.matches('\n').count() + 1;
                let end_column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                let mut message = x.message.clone();
                if let Some(e) = &x.expected {
                    message.push_str(&format!(" (expected {e})"));
                }
                ApiDiagnostic {
                    code: x.code.name().to_string(),
                    message,
                    path: x.path.clone(),
                    line: x.line,
                    column: x.column,
                    end_line,
                    end_column,
                    help: x.help.clone(),
                }
            })
            .collect(),
    }
}

fn checked_source(source: &str) -> R<()> {
    if source.len() > 512 * 1024 {
        return Err(ApiError::validation("source", "at most 512 KiB"));
    }
    let d = diagnostics(source);
    if d.is_empty() {
        return Ok(());
    }
    let mut e = ApiError::fields(
        d.iter()
            .map(|x| FieldError {
                path: format!("source:{}:{}", x.line, x.column),
                message: x.message.clone(),
            })
            .collect(),
    );
    e.message = format!("the scenario has {} problem(s)", d.len());
    e.diagnostics = d;
    Err(e)
}

#[utoipa::path(get, path = "/api/scenarios", tag = "scenarios", params(PageQ),
    responses((status = 200, body = Page<ScenarioSummary>)))]
async fn list_scenarios(
    State(st): State<AppState>,
    _c: Caller,
    Query(p): Query<PageQ>,
) -> R<Json<Page<ScenarioSummary>>> {
    let (l, o) = page_bounds(p.limit, p.offset);
    Ok(Json(st.store.list_scenarios(l, o).await?))
}

#[utoipa::path(post, path = "/api/scenarios", tag = "scenarios", request_body = NewScenario,
    responses((status = 200, body = ScenarioVersion), (status = 400, body = ErrorBody)))]
async fn create_scenario(
    State(st): State<AppState>,
    c: Caller,
    Body(b): Body<NewScenario>,
) -> R<Json<ScenarioVersion>> {
    c.require(&["admin", "analyst"], "write scenarios")?;
    if b.name.trim().is_empty() || b.name.len() > 200 {
        return Err(ApiError::validation("name", "1 to 200 characters"));
    }
    let id = b.id.clone().unwrap_or_else(|| {
        b.name
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect()
    });
    if id.is_empty()
        || id.len() > 64
        || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(ApiError::validation("id", "1 to 64 letters, digits, _ or -"));
    }
    checked_source(&b.source)?;
    let r =
        st.store.create_scenario(&id, &b.name, &b.source, Some(c.user.id), crate::now_ms()).await;
    st.caches.vocabulary.invalidate();
    Ok(Json(r?))
}

#[utoipa::path(get, path = "/api/scenarios/{id}", tag = "scenarios",
    responses((status = 200, body = ScenarioVersion), (status = 404, body = ErrorBody)))]
async fn get_scenario(
    State(st): State<AppState>,
    _c: Caller,
    Path(id): Path<String>,
) -> R<Json<ScenarioVersion>> {
    Ok(Json(st.store.scenario_version(&id, None).await?))
}

#[utoipa::path(put, path = "/api/scenarios/{id}", tag = "scenarios", request_body = SourceReq,
    responses((status = 200, body = ScenarioVersion), (status = 400, body = ErrorBody)))]
async fn put_scenario(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    Body(b): Body<SourceReq>,
) -> R<Json<ScenarioVersion>> {
    c.require(&["admin", "analyst"], "write scenarios")?;
    st.store.scenario_version(&id, None).await?;
    checked_source(&b.source)?;
    let r = st.store.add_scenario_version(&id, &b.source, Some(c.user.id), crate::now_ms()).await;
    st.caches.vocabulary.invalidate();
    Ok(Json(r?))
}

#[utoipa::path(get, path = "/api/scenarios/{id}/versions", tag = "scenarios", params(PageQ),
    responses((status = 200, body = Page<ScenarioVersion>)))]
async fn scenario_versions(
    State(st): State<AppState>,
    _c: Caller,
    Path(id): Path<String>,
    Query(p): Query<PageQ>,
) -> R<Json<Page<ScenarioVersion>>> {
    let (l, o) = page_bounds(p.limit, p.offset);
    Ok(Json(st.store.scenario_versions(&id, l, o).await?))
}

#[utoipa::path(get, path = "/api/scenarios/{id}/versions/{v}", tag = "scenarios",
    responses((status = 200, body = ScenarioVersion)))]
async fn scenario_version(
    State(st): State<AppState>,
    _c: Caller,
    Path((id, v)): Path<(String, i64)>,
) -> R<Json<ScenarioVersion>> {
    Ok(Json(st.store.scenario_version(&id, Some(v)).await?))
}

#[utoipa::path(post, path = "/api/scenarios/validate", tag = "scenarios", request_body = SourceReq,
    responses((status = 200, body = Validation)))]
async fn validate_scenario(_c: Caller, Body(b): Body<SourceReq>) -> R<Json<Validation>> {
    if b.source.len() > 512 * 1024 {
        return Err(ApiError::validation("source", "at most 512 KiB"));
    }
    let d = diagnostics(&b.source);
    Ok(Json(Validation { ok: d.is_empty(), diagnostics: d }))
}

// ---------------------------------------------------------------- jobs

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewJob {
    /// `simulate`, `fit` or `plan`.
    pub kind: String,
    pub scenario_id: String,
    pub version: Option<i64>,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub params: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SimParams {
    runs: Option<u32>,
    periods: Option<u32>,
    modes: Option<Vec<String>>,
    seed: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanParams {
    time_limit_s: Option<f64>,
    gap: Option<f64>,
    memory_limit_mb: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FitParams {
    #[serde(rename = "units")]
    _units: Option<Vec<String>>,
    #[serde(rename = "form")]
    _form: Option<String>,
    #[serde(rename = "method")]
    _method: Option<String>,
    #[serde(rename = "from")]
    _from: Option<i32>,
    #[serde(rename = "to")]
    _to: Option<i32>,
}

fn params_as<T: serde::de::DeserializeOwned>(v: &Value) -> R<T> {
    let v = if v.is_null() { Value::Object(Default::default()) } else { v.clone() };
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = format!("params.{}", e.path()).trim_end_matches(".").to_string();
        ApiError::validation(&path, e.into_inner().to_string())
    })
}

#[utoipa::path(post, path = "/api/jobs", tag = "jobs", request_body = NewJob,
    responses((status = 200, body = Job), (status = 400, body = ErrorBody)))]
async fn create_job(State(st): State<AppState>, c: Caller, Body(b): Body<NewJob>) -> R<Json<Job>> {
    c.require(&["admin", "analyst"], "submit jobs")?;
    let v = match st.store.scenario_version(&b.scenario_id, b.version).await {
        Ok(v) => v,
        Err(symbiont_store::StoreError::NotFound(_)) => {
            return Err(ApiError::validation("scenario_id", "no such scenario (or version)"));
        }
        Err(e) => return Err(e.into()),
    };
    match b.kind.as_str() {
        "simulate" => {
            let p: SimParams = params_as(&b.params)?;
            if p.runs.is_some_and(|r| !(1..=10_000).contains(&r)) {
                return Err(ApiError::validation("params.runs", "between 1 and 10000"));
            }
            if p.periods.is_some_and(|r| !(1..=1000).contains(&r)) {
                return Err(ApiError::validation("params.periods", "between 1 and 1000"));
            }
            let s = symbiont_model::parse_scenario(&v.source, "scenario").map_err(|_| {
                ApiError::validation("scenario_id", "the stored scenario is invalid")
            })?;
            if let Some(ms) = &p.modes {
                for (i, m) in ms.iter().enumerate() {
                    if !s.modes.iter().any(|x| &x.id == m) {
                        return Err(ApiError::validation(
                            &format!("params.modes[{i}]"),
                            format!("unknown mode \"{m}\""),
                        ));
                    }
                }
                if ms.is_empty() {
                    return Err(ApiError::validation("params.modes", "at least one mode"));
                }
            }
            let _ = p.seed;
            let runs = p.runs.unwrap_or(s.study.runs);
            let modes = p.modes.as_ref().map_or(s.study.compare.len(), Vec::len);
            let size = symbiont_study::size::size(&s, u64::from(runs), modes as u64, 1);
            symbiont_study::size::check(
                &size,
                symbiont_study::size::available_memory(),
                "params.runs",
            )
            .map_err(|e| ApiError::validation("scenario_id", e.to_string()))?;
        }
        "plan" => {
            let p: PlanParams = params_as(&b.params)?;
            if p.gap.is_some_and(|g| !(0.0..=1.0).contains(&g)) {
                return Err(ApiError::validation("params.gap", "between 0 and 1"));
            }
            if p.time_limit_s.is_some_and(|t| !(t > 0.0 && t <= 3600.0)) {
                return Err(ApiError::validation(
                    "params.time_limit_s",
                    "between 0 and 3600 seconds",
                ));
            }
            if p.memory_limit_mb.is_some_and(|m| !(m > 0.0 && m <= 65_536.0)) {
                return Err(ApiError::validation(
                    "params.memory_limit_mb",
                    "between 0 and 65536 MB",
                ));
            }
            let s = symbiont_model::parse_scenario(&v.source, "scenario").map_err(|_| {
                ApiError::validation("scenario_id", "the stored scenario is invalid")
            })?;
            symbiont_study::size::check_plan(&s, symbiont_study::size::available_memory())
                .map_err(|e| ApiError::validation("scenario_id", e.to_string()))?;
        }
        "fit" => {
            let _: FitParams = params_as(&b.params)?;
            let params = if b.params.is_null() {
                Value::Object(Default::default())
            } else {
                b.params.clone()
            };
            if let Err(m) = crate::results::fit_options(&params) {
                let path =
                    if m.starts_with("params.form") { "params.form" } else { "params.method" };
                return Err(ApiError::validation(path, m));
            }
            let s = symbiont_model::parse_scenario(&v.source, "scenario").map_err(|_| {
                ApiError::validation("scenario_id", "the stored scenario is invalid")
            })?;
            if let Err(m) = crate::results::fit_series(&s, &params) {
                return Err(ApiError::validation("params.units", m));
            }
        }
        _ => return Err(ApiError::validation("kind", "one of simulate, fit, plan")),
    }
    let params = if b.params.is_null() { Value::Object(Default::default()) } else { b.params };
    let job =
        st.store.create_job(&b.kind, &v.id, v.version, &params, c.user.id, crate::now_ms()).await?;
    st.jobs.wake();
    Ok(Json(job))
}

fn may_see_jobs(c: &Caller) -> R<()> {
    c.require(&["admin", "analyst"], "see jobs")
}

/// A job as seen now: the live progress of a running job.
async fn job_now(st: &AppState, id: i64) -> R<Job> {
    let mut j = st.store.job(id).await?;
    if j.state == "running"
        && let Some((d, t)) = st.jobs.progress(id)
    {
        j.progress.done = d;
        j.progress.total = t;
    }
    Ok(j)
}

#[utoipa::path(get, path = "/api/jobs", tag = "jobs", params(PageQ), responses((status = 200, body = Page<Job>)))]
async fn list_jobs(
    State(st): State<AppState>,
    c: Caller,
    Query(p): Query<PageQ>,
) -> R<Json<Page<Job>>> {
    may_see_jobs(&c)?;
    let (l, o) = page_bounds(p.limit, p.offset);
    Ok(Json(st.store.list_jobs(l, o).await?))
}

#[utoipa::path(get, path = "/api/jobs/{id}", tag = "jobs", responses((status = 200, body = Job)))]
async fn get_job(State(st): State<AppState>, c: Caller, Path(id): Path<i64>) -> R<Json<Job>> {
    may_see_jobs(&c)?;
    Ok(Json(job_now(&st, id).await?))
}

#[utoipa::path(post, path = "/api/jobs/{id}/cancel", tag = "jobs", responses((status = 200, body = Job)))]
async fn cancel_job(State(st): State<AppState>, c: Caller, Path(id): Path<i64>) -> R<Json<Job>> {
    may_see_jobs(&c)?;
    let j = st.store.cancel_job(id, crate::now_ms()).await?;
    st.jobs.cancel(id);
    Ok(Json(j))
}

#[utoipa::path(get, path = "/api/jobs/{id}/result", tag = "jobs", responses((status = 200, body = Object)))]
async fn job_result(State(st): State<AppState>, c: Caller, Path(id): Path<i64>) -> R<Json<Value>> {
    may_see_jobs(&c)?;
    match st.store.job_result(id).await? {
        Some(v) => Ok(Json(v)),
        None => Err(ApiError::conflict("the job has no result (it has not succeeded)")),
    }
}

#[utoipa::path(get, path = "/api/jobs/{id}/report", tag = "jobs",
    responses((status = 200, content_type = "text/html", body = String)))]
async fn job_report(State(st): State<AppState>, c: Caller, Path(id): Path<i64>) -> R<Response> {
    may_see_jobs(&c)?;
    let j = st.store.job(id).await?;
    if j.kind != "simulate" || j.state != "succeeded" {
        return Err(ApiError::conflict("only a succeeded simulate job has a report"));
    }
    let path = crate::worker::job_dir(&st.config.data_dir, id).join("report.html");
    let html = tokio::fs::read_to_string(&path).await.map_err(ApiError::internal)?;
    Ok(Html(html).into_response())
}

#[utoipa::path(get, path = "/api/jobs/{id}/events", tag = "jobs",
    responses((status = 200, content_type = "text/event-stream", body = String)))]
async fn job_events(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> R<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    may_see_jobs(&c)?;
    st.store.job(id).await?;
    // (last progress, last state, finished)
    let init: (Option<(i64, i64)>, Option<String>, bool) = (None, None, false);
    let s = stream::unfold((st, init), move |(st, (lp, ls, end))| async move {
        if end {
            return None;
        }
        loop {
            let j = match job_now(&st, id).await {
                Ok(j) => j,
                Err(_) => return None,
            };
            let p = (j.progress.done, j.progress.total);
            if ls.as_deref() != Some(j.state.as_str()) {
                let fin = symbiont_store::FINAL_STATES.contains(&j.state.as_str());
                let ev = Event::default()
                    .event("state")
                    .data(serde_json::json!({"state": j.state}).to_string());
                return Some((Ok(ev), (st, (lp, Some(j.state), fin))));
            }
            if lp != Some(p) && j.state == "running" {
                let ev = Event::default()
                    .event("progress")
                    .data(serde_json::json!({"done": p.0, "total": p.1}).to_string());
                return Some((Ok(ev), (st, (Some(p), ls, false))));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    Ok(Sse::new(s).keep_alive(KeepAlive::default()))
}

// ---------------------------------------------------------------- cases

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Dossier {
    pub capital_usd: f64,
    pub jobs: u64,
    pub sector: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCaseReq {
    pub park_id: String,
    pub title: String,
    pub dossier: Dossier,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Respond {
    pub note: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `approve`, `reject` or `request_info`.
    pub decision: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct StateQ {
    pub state: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The departments a case is routed to and their due times: every department of the
/// governments in the stored default scenario, due after its median processing days.
async fn routing(st: &AppState, now: i64) -> R<Vec<(String, i64)>> {
    let v = st.store.scenario_version("default", None).await?;
    let s = symbiont_model::parse_scenario(&v.source, "default")
        .map_err(|d| ApiError::internal(d.render(&v.source)))?;
    Ok(s.governments
        .iter()
        .flat_map(|g| g.departments.iter())
        .map(|d| {
            let (lo, hi) = d.processing_days.support();
            let days = if hi.is_finite() { 0.5 * (lo + hi) } else { d.processing_days.mean() };
            (d.id.clone(), now + (days * st.config.day_seconds * 1000.0) as i64)
        })
        .collect())
}

/// Whether a caller may see a case.
fn sees_case(c: &Caller, case: &Case) -> bool {
    match c.user.role.as_str() {
        "admin" | "analyst" => true,
        "enterprise" => c.user.entity_id.as_deref() == Some(case.entity_id.as_str()),
        "officer" => case
            .tasks
            .iter()
            .any(|t| Some(t.department_id.as_str()) == c.user.department_id.as_deref()),
        _ => false,
    }
}

async fn visible_case(st: &AppState, c: &Caller, id: i64) -> R<Case> {
    let now = crate::now_ms();
    let cache = &st.caches.case;
    let case = match cache.get(&id) {
        Some(hit) => crate::cache::case_at(&hit, now),
        None => {
            let g = cache.generation();
            let loaded = st.store.case(id, now).await?;
            cache.put(id, std::sync::Arc::new(loaded.clone()), g);
            loaded
        }
    };
    if !sees_case(c, &case) {
        return Err(ApiError::not_found("case"));
    }
    Ok(case)
}

#[utoipa::path(post, path = "/api/cases", tag = "cases", request_body = NewCaseReq,
    responses((status = 200, body = Case), (status = 400, body = ErrorBody)))]
async fn create_case(
    State(st): State<AppState>,
    c: Caller,
    Body(b): Body<NewCaseReq>,
) -> R<Json<Case>> {
    c.require(&["enterprise"], "submit cases")?;
    let entity = c
        .user
        .entity_id
        .clone()
        .ok_or_else(|| ApiError::forbidden("submit cases without an entity"))?;
    let mut f = Vec::new();
    if !matches!(st.store.entity(&b.park_id).await, Ok(e) if e.kind == "park") {
        f.push(FieldError {
            path: "park_id".into(),
            message: format!("no park \"{}\" in the registry", b.park_id),
        });
    }
    if b.title.trim().is_empty() || b.title.len() > 200 {
        f.push(FieldError { path: "title".into(), message: "1 to 200 characters".into() });
    }
    if !b.dossier.capital_usd.is_finite() || b.dossier.capital_usd < 0.0 {
        f.push(FieldError {
            path: "dossier.capital_usd".into(),
            message: "expected a number >= 0".into(),
        });
    }
    if b.dossier.sector.trim().is_empty() {
        f.push(FieldError { path: "dossier.sector".into(), message: "required".into() });
    }
    if b.dossier.description.len() > 10_000 {
        f.push(FieldError {
            path: "dossier.description".into(),
            message: "at most 10000 characters".into(),
        });
    }
    if !f.is_empty() {
        return Err(ApiError::fields(f));
    }
    let now = crate::now_ms();
    let dossier = serde_json::json!({"capital_usd": b.dossier.capital_usd, "jobs": b.dossier.jobs,
        "sector": b.dossier.sector, "description": b.dossier.description});
    let nc = NewCase {
        entity_id: entity,
        park_id: b.park_id,
        title: b.title,
        dossier,
        tasks: routing(&st, now).await?,
    };
    let r = st.store.create_case(&nc, c.user.id, now).await;
    st.caches.cases_written();
    Ok(Json(r?))
}

#[utoipa::path(get, path = "/api/cases", tag = "cases", params(StateQ), responses((status = 200, body = Page<Case>)))]
async fn list_cases(State(st): State<AppState>, c: Caller, Query(q): Query<StateQ>) -> R<Response> {
    use crate::cache::{CasePage, Scope};
    let scope = match c.user.role.as_str() {
        "enterprise" => Scope::Entity(c.user.entity_id.clone().unwrap_or_default()),
        "officer" => Scope::Department(c.user.department_id.clone().unwrap_or_default()),
        _ => Scope::All,
    };
    let (l, o) = page_bounds(q.limit, q.offset);
    let now = crate::now_ms();
    let key = (scope, q.state.clone(), l, o);
    let cache = &st.caches.case_pages;
    let g = cache.generation();
    // The bytes last sent, until a write or the next due time on the page changes them; past
    // that due time the cached page is sent again as seen now.
    let page = match cache.get(&key) {
        Some(p) if now <= p.fresh_until => return Ok(json_bytes(p.body.clone())),
        Some(p) => p.page.clone(),
        None => st.store.list_cases(&key.0.filter(), q.state.as_deref(), l, o, now).await?,
    };
    let p = CasePage::new(page, now).map_err(ApiError::internal)?;
    let body = p.body.clone();
    cache.put(key, std::sync::Arc::new(p), g);
    Ok(json_bytes(body))
}

/// A JSON answer from bytes already serialised.
fn json_bytes(body: axum::body::Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

#[utoipa::path(get, path = "/api/cases/{id}", tag = "cases", responses((status = 200, body = Case)))]
async fn get_case(State(st): State<AppState>, c: Caller, Path(id): Path<i64>) -> R<Json<Case>> {
    Ok(Json(visible_case(&st, &c, id).await?))
}

#[utoipa::path(post, path = "/api/cases/{id}/respond", tag = "cases", request_body = Respond,
    responses((status = 200, body = Case), (status = 409, body = ErrorBody)))]
async fn respond_case(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Body(b): Body<Respond>,
) -> R<Json<Case>> {
    visible_case(&st, &c, id).await?;
    c.require(&["enterprise"], "answer information requests")?;
    if b.note.len() > 10_000 {
        return Err(ApiError::validation("note", "at most 10000 characters"));
    }
    let r = st.store.respond_case(id, &b.note, c.user.id, crate::now_ms()).await;
    st.caches.cases_written();
    Ok(Json(r?))
}

#[utoipa::path(get, path = "/api/cases/{id}/audit", tag = "cases", params(PageQ),
    responses((status = 200, body = Page<AuditEntry>)))]
async fn case_audit(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Query(p): Query<PageQ>,
) -> R<Json<Page<AuditEntry>>> {
    visible_case(&st, &c, id).await?;
    let (l, o) = page_bounds(p.limit, p.offset);
    Ok(Json(st.store.case_audit(id, l, o).await?))
}

#[utoipa::path(get, path = "/api/cases/stats", tag = "cases", responses((status = 200, body = CaseStats)))]
async fn case_stats(State(st): State<AppState>, c: Caller) -> R<Json<CaseStats>> {
    c.require(&["admin", "analyst", "officer"], "see case statistics")?;
    Ok(Json(st.store.case_stats().await?))
}

#[utoipa::path(get, path = "/api/tasks", tag = "cases", params(StateQ), responses((status = 200, body = Page<Task>)))]
async fn list_tasks(
    State(st): State<AppState>,
    c: Caller,
    Query(q): Query<StateQ>,
) -> R<Json<Page<Task>>> {
    let dept = match c.user.role.as_str() {
        "admin" => None,
        "officer" => Some(c.user.department_id.clone().unwrap_or_default()),
        _ => return Err(ApiError::forbidden("list tasks")),
    };
    let (l, o) = page_bounds(q.limit, q.offset);
    Ok(Json(st.store.list_tasks(dept.as_deref(), q.state.as_deref(), l, o, crate::now_ms()).await?))
}

#[utoipa::path(post, path = "/api/tasks/{id}/decision", tag = "cases", request_body = Decision,
    responses((status = 200, body = Case), (status = 409, body = ErrorBody)))]
async fn decide(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Body(b): Body<Decision>,
) -> R<Json<Case>> {
    let now = crate::now_ms();
    let t = st.store.task(id, now).await?;
    let case = st.store.case(t.case_id, now).await?;
    if !sees_case(&c, &case) {
        return Err(ApiError::not_found("task"));
    }
    if !(c.is("officer") && c.user.department_id.as_deref() == Some(t.department_id.as_str())) {
        return Err(ApiError::forbidden("decide this department's task"));
    }
    if !matches!(b.decision.as_str(), "approve" | "reject" | "request_info") {
        return Err(ApiError::validation("decision", "one of approve, reject, request_info"));
    }
    if b.note.len() > 10_000 {
        return Err(ApiError::validation("note", "at most 10000 characters"));
    }
    let r = st.store.decide_task(id, &b.decision, &b.note, c.user.id, now).await;
    st.caches.cases_written();
    Ok(Json(r?))
}

// ---------------------------------------------------------------- the document

#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "Symbiont server API", description = "Registry, scenarios, study jobs and one-window cases. See docs/api.md."),
    paths(
        bootstrap, login, logout, me, list_users, create_user,
        list_entities, get_entity, create_entity, replace_entity, delete_entity, import_entities,
        list_scenarios, create_scenario, get_scenario, put_scenario, scenario_versions, scenario_version, validate_scenario,
        create_job, list_jobs, get_job, cancel_job, job_result, job_report, job_events,
        create_case, list_cases, get_case, respond_case, case_audit, case_stats, list_tasks, decide,
    ),
    components(schemas(ErrorBody, Entity, User, Case, Task, Job, ScenarioVersion, ScenarioSummary, AuditEntry, CaseStats)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

#[derive(Debug)]
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let comps = openapi.components.get_or_insert_with(Default::default);
        comps.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi_json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        ApiDoc::openapi().to_pretty_json().unwrap_or_default(),
    )
}

async fn forced_failure(State(st): State<AppState>) -> R<StatusCode> {
    if !st.debug_routes {
        return Err(ApiError::not_found("endpoint"));
    }
    Err(ApiError::internal("forced failure for tests: secret cause 4242"))
}

/// The `/api` routes with their state.
pub fn router(st: AppState) -> Router {
    let api = Router::new()
        .route("/api/auth/bootstrap", post(bootstrap))
        .route("/api/auth/login", post(login))
        .route("/api/auth/logout", post(logout))
        .route("/api/me", get(me))
        .route("/api/users", get(list_users).post(create_user))
        .route("/api/entities", get(list_entities).post(create_entity))
        .route("/api/entities/import", post(import_entities))
        .route("/api/entities/{id}", get(get_entity).put(replace_entity).delete(delete_entity))
        .route("/api/scenarios", get(list_scenarios).post(create_scenario))
        .route("/api/scenarios/validate", post(validate_scenario))
        .route("/api/scenarios/{id}", get(get_scenario).put(put_scenario))
        .route("/api/scenarios/{id}/versions", get(scenario_versions))
        .route("/api/scenarios/{id}/versions/{v}", get(scenario_version))
        .route("/api/jobs", get(list_jobs).post(create_job))
        .route("/api/jobs/{id}", get(get_job))
        .route("/api/jobs/{id}/cancel", post(cancel_job))
        .route("/api/jobs/{id}/result", get(job_result))
        .route("/api/jobs/{id}/report", get(job_report))
        .route("/api/jobs/{id}/events", get(job_events))
        .route("/api/cases", get(list_cases).post(create_case))
        .route("/api/cases/stats", get(case_stats))
        .route("/api/cases/{id}", get(get_case))
        .route("/api/cases/{id}/respond", post(respond_case))
        .route("/api/cases/{id}/audit", get(case_audit))
        .route("/api/tasks", get(list_tasks))
        .route("/api/tasks/{id}/decision", post(decide))
        .route("/api/debug/fail", get(forced_failure))
        .route("/api/openapi.json", get(openapi_json))
        .with_state(st);
    api.merge(
        utoipa_swagger_ui::SwaggerUi::new("/api/docs")
            .url("/api/openapi-swagger.json", ApiDoc::openapi()),
    )
}
