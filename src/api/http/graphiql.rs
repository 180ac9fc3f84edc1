//! GraphiQL, served entirely from the binary: React, ReactDOM and GraphiQL are the pinned npm
//! builds in `assets/graphiql/` (made by `scripts/graphiql-assets` from `web/graphiql`'s lock
//! file), so the page loads with no request leaving the machine. A content security policy says
//! the same to the browser.
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>skillgraph · GraphiQL</title>
<link rel="stylesheet" href="/graphiql/graphiql.min.css">
<style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
<div id="graphiql">Loading…</div>
<script src="/graphiql/react.production.min.js"></script>
<script src="/graphiql/react-dom.production.min.js"></script>
<script src="/graphiql/graphiql.min.js"></script>
<script src="/graphiql/start.js"></script>
</body>
</html>
"#;

/// Everything from this origin; GraphiQL styles itself inline and embeds its fonts as data URLs.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:";

pub fn page() -> Response {
    ([(header::CONTENT_SECURITY_POLICY, CSP)], Html(PAGE)).into_response()
}

/// The page's scripts and style sheet; they never change within a build.
pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind): (&'static [u8], &str) = match file.as_str() {
        "graphiql.min.js" => (
            include_bytes!("../../../assets/graphiql/graphiql.min.js"),
            "text/javascript",
        ),
        "graphiql.min.css" => (
            include_bytes!("../../../assets/graphiql/graphiql.min.css"),
            "text/css",
        ),
        "react.production.min.js" => (
            include_bytes!("../../../assets/graphiql/react.production.min.js"),
            "text/javascript",
        ),
        "react-dom.production.min.js" => (
            include_bytes!("../../../assets/graphiql/react-dom.production.min.js"),
            "text/javascript",
        ),
        "start.js" => (
            include_bytes!("../../../assets/graphiql-start.js"),
            "text/javascript",
        ),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}
