//! Protection from other web sites: a page elsewhere must not make a visitor's browser change
//! anything here. State-changing requests a browser sends cross-site without a CORS preflight
//! (a POST with `text/plain` or a form encoding) are refused, as Apollo Server's CSRF prevention
//! does; CORS answers only the configured origins; WebSocket upgrades (which CORS does not
//! cover) from a foreign origin are refused. An open service (no credentials, loopback only)
//! answers only loopback host names or configured ones, as local development servers do: a
//! page whose domain is rebound to 127.0.0.1 sends its own name as `Host`.
use std::time::Duration;

use axum::http::{header, HeaderMap, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Headers a browser cannot send cross-site without a preflight; either one marks a request
/// as safe whatever its content type (Apollo's convention).
const PREFLIGHT_HEADERS: [&str; 2] = ["apollo-require-preflight", "x-apollo-operation-name"];

/// Whether a POST could not have been sent by a foreign page without a preflight: a JSON body,
/// or one of the headers only a preflighted request can carry.
pub fn post_is_safe(headers: &HeaderMap) -> bool {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|t| t == "application/json" || t == "application/graphql-response+json");
    json || PREFLIGHT_HEADERS
        .iter()
        .any(|h| headers.get(*h).is_some_and(|v| !v.is_empty()))
}

pub const CSRF_MESSAGE: &str = "this request was blocked as a potential cross-site request \
    forgery: send it as application/json, or with an `Apollo-Require-Preflight` header";

/// CORS for the configured origins only (none: no cross-origin page may read anything).
pub fn cors(origins: &[String]) -> CorsLayer {
    let list: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim().trim_end_matches('/')).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(list))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::HeaderName::from_static("apollo-require-preflight"),
        ])
        .max_age(Duration::from_secs(600))
}

/// Whether a WebSocket upgrade may proceed: no `Origin` (not a browser), the service's own
/// origin, or a configured one.
pub fn origin_allowed(headers: &HeaderMap, origins: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let own = host.is_some_and(|h| {
        origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(h))
    });
    own || origins
        .iter()
        .any(|o| o.trim().trim_end_matches('/').eq_ignore_ascii_case(origin))
}

/// Whether `host` (a `Host` header or URI authority, port optional) names this machine's
/// loopback interface, or one of the configured names.
pub fn host_allowed(host: &str, configured: &[String]) -> bool {
    let name = match host.strip_prefix('[') {
        // [::1]:8080
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let loopback = name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    loopback
        || configured.iter().any(|c| {
            let c = c.trim();
            c.eq_ignore_ascii_case(host) || c.eq_ignore_ascii_case(&name)
        })
}

pub const HOST_MESSAGE: &str = "this service has no credentials configured and answers only     loopback host names (or those given with --allowed-host)";

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn simple_posts_need_a_preflight_header() {
        assert!(post_is_safe(&headers(&[(
            "content-type",
            "application/json; charset=utf-8"
        )])));
        assert!(!post_is_safe(&headers(&[("content-type", "text/plain")])));
        assert!(!post_is_safe(&headers(&[(
            "content-type",
            "application/x-www-form-urlencoded"
        )])));
        assert!(!post_is_safe(&headers(&[])));
        assert!(post_is_safe(&headers(&[
            ("content-type", "text/plain"),
            ("apollo-require-preflight", "true")
        ])));
    }

    #[test]
    fn open_services_answer_loopback_and_configured_hosts() {
        let none: Vec<String> = vec![];
        for ok in [
            "localhost",
            "localhost:8080",
            "LOCALHOST.:8080",
            "app.localhost:3000",
            "127.0.0.1:8080",
            "127.1.2.3",
            "[::1]:8080",
        ] {
            assert!(host_allowed(ok, &none), "{ok}");
        }
        for bad in [
            "attacker.example:8080",
            "localhost.attacker.example",
            "127.0.0.1.nip.io:8080",
            "10.0.0.1:8080",
            "[::2]:8080",
            "",
        ] {
            assert!(!host_allowed(bad, &none), "{bad}");
        }
        let listed = vec!["devbox.internal".to_string()];
        assert!(host_allowed("devbox.internal:8080", &listed));
        assert!(!host_allowed("other.internal:8080", &listed));
    }

    #[test]
    fn websocket_origins_are_own_or_listed() {
        let list = vec!["https://app.example.com".to_string()];
        assert!(origin_allowed(&headers(&[]), &list));
        assert!(origin_allowed(
            &headers(&[
                ("origin", "http://127.0.0.1:8080"),
                ("host", "127.0.0.1:8080")
            ]),
            &list
        ));
        assert!(origin_allowed(
            &headers(&[("origin", "https://app.example.com")]),
            &list
        ));
        assert!(!origin_allowed(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:8080")
            ]),
            &list
        ));
    }
}
