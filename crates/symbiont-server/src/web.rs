//! The dashboard: the repository's `web/` folder, embedded at compile time by `build.rs`.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

include!(concat!(env!("OUT_DIR"), "/web_files.rs"));

const MISSING: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Symbiont</title></head>\
<body><h1>Symbiont server</h1><p>This build has no dashboard: the <code>web/</code> folder was \
missing or empty when the server was compiled. The API is at <a href=\"/api/docs\">/api/docs</a>.</p>\
</body></html>";

fn mime(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn file(path: &str) -> Response {
    let path = if path.is_empty() { "index.html" } else { path };
    if let Some((_, bytes)) = FILES.iter().find(|(p, _)| *p == path) {
        return ([(header::CONTENT_TYPE, mime(path))], *bytes).into_response();
    }
    if path == "index.html" {
        return Html(MISSING).into_response();
    }
    (StatusCode::NOT_FOUND, "not found").into_response()
}

/// `/` and every file of the dashboard.
pub fn router() -> Router {
    Router::new()
        .route("/", get(|| async { file("") }))
        .route("/{*path}", get(|Path(p): Path<String>| async move { file(&p) }))
}
