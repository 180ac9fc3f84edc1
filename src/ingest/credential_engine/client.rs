//! HTTP client for the Credential Engine Registry: host allowlist (also on redirects), timeouts,
//! retries with exponential backoff on 429/5xx and transport errors, and a response size limit.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use futures::StreamExt;
use reqwest::{header, StatusCode};
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::config::IngestConfig;

#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum FetchError {
    #[error("{0}: not allowed (allowed: {1})")]
    HostNotAllowed(String, String),
    #[error("{0}: not found (HTTP 404)")]
    NotFound(String),
    #[error("{0}: HTTP {1}")]
    Status(String, u16),
    #[error("{0}: {1}")]
    Transport(String, String),
    #[error("{0}: response larger than {1} bytes")]
    TooLarge(String, usize),
    #[error("{0}: not JSON: {1}")]
    NotJson(String, String),
    /// JSON, but over a bound on what a document may hold (see `document`).
    #[error("{0}: refused: {1}")]
    Unbounded(String, String),
    /// The documents of one framework together outweigh its budget.
    #[error("{0}: the framework's documents together exceed {1} bytes")]
    OverBudget(String, usize),
    /// A transient failure that persisted through every retry.
    #[error("{error} (gave up after {attempts} attempts)")]
    GaveUp {
        error: Box<FetchError>,
        attempts: usize,
    },
    /// The caller's cancellation token fired while waiting.
    #[error("interrupted")]
    Interrupted,
}

impl FetchError {
    /// Whether this failure ends the whole framework (the job was interrupted, or the
    /// framework's documents outgrew their budget) rather than only the one document.
    pub fn ends_framework(&self) -> bool {
        matches!(self, FetchError::Interrupted | FetchError::OverBudget(..))
    }
}

/// Hosts the importer may contact. A bare host name allows HTTPS on port 443 only; `host:port`
/// pins a port, over HTTP or HTTPS (for registries served elsewhere, and for tests).
#[derive(Debug, Clone)]
pub struct HostAllowlist(Vec<String>);

impl HostAllowlist {
    pub fn new(hosts: &[String]) -> Self {
        Self(
            hosts
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect(),
        )
    }

    pub fn allows(&self, url: &Url) -> bool {
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            _ => return false,
        };
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
            return false;
        };
        let host = host.to_ascii_lowercase();
        let pinned = format!("{host}:{port}");
        self.0
            .iter()
            .any(|h| *h == pinned || (*h == host && https && port == 443))
    }

    /// The entries as they are applied: `https://host` for bare names, `host:port` for pins.
    pub fn describe(&self) -> String {
        let entry = |h: &String| match h.rsplit_once(':') {
            Some((_, port)) if port.parse::<u16>().is_ok() => h.clone(),
            _ => format!("https://{h}"),
        };
        self.0.iter().map(entry).collect::<Vec<_>>().join(", ")
    }
}

/// Bytes the documents of one framework may still weigh, shared by its concurrent fetches.
/// Bytes of a failed attempt are given back; those of a document received stay spent.
#[derive(Debug)]
pub struct Budget {
    left: AtomicUsize,
    total: usize,
}

impl Budget {
    pub fn new(total: usize) -> Self {
        Self {
            left: AtomicUsize::new(total),
            total,
        }
    }

    fn take(&self, n: usize) -> bool {
        self.left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(n)
            })
            .is_ok()
    }

    fn give_back(&self, n: usize) {
        self.left.fetch_add(n, Ordering::Relaxed);
    }
}

#[derive(Clone)]
pub struct RegistryClient {
    http: reqwest::Client,
    allow: Arc<HostAllowlist>,
    retries: u32,
    backoff: Duration,
    max_bytes: usize,
}

const MAX_REDIRECTS: usize = 5;
/// A server's Retry-After is honoured up to this long.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

impl RegistryClient {
    pub fn new(cfg: &IngestConfig) -> Self {
        let allow = Arc::new(HostAllowlist::new(&cfg.ce_allowed_hosts));
        let redirect_allow = allow.clone();
        // Each redirect hop is checked against the allowlist, so a redirect cannot reach
        // an internal address.
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                attempt.error("too many redirects")
            } else if redirect_allow.allows(attempt.url()) {
                attempt.follow()
            } else {
                let to = attempt.url().to_string();
                attempt.error(format!("redirect to a host not allowed: {to}"))
            }
        });
        let mut builder = reqwest::Client::builder();
        for pin in &cfg.ce_resolve {
            match pin
                .split_once('=')
                .map(|(h, ip)| (h.trim(), ip.trim().parse::<std::net::IpAddr>()))
            {
                // The port comes from the URL; only the address is pinned.
                Some((host, Ok(ip))) => {
                    builder = builder.resolve(host, std::net::SocketAddr::new(ip, 0))
                }
                _ => {
                    tracing::warn!(%pin, "ignoring malformed --ce-resolve entry (expected host=ip)")
                }
            }
        }
        let http = builder
            .redirect(policy)
            .timeout(Duration::from_secs(cfg.http_timeout_secs))
            .connect_timeout(Duration::from_secs(cfg.http_timeout_secs.min(10)))
            .user_agent(concat!("skillgraph/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("static reqwest configuration is valid");
        Self {
            http,
            allow,
            retries: cfg.http_retries,
            backoff: Duration::from_millis(cfg.http_backoff_ms),
            max_bytes: cfg.http_max_bytes,
        }
    }

    pub fn allowlist(&self) -> &HostAllowlist {
        &self.allow
    }

    /// GETs a JSON document as `T`, retrying transient failures and spending its bytes from
    /// `budget`; gives up at once when `cancel` fires, even in the middle of a request or a
    /// backoff.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        url: &str,
        budget: &Budget,
        cancel: &CancellationToken,
    ) -> Result<T, FetchError> {
        tokio::select! {
            biased;
            _ = cancel.cancelled() => Err(FetchError::Interrupted),
            r = self.get_json_retrying(url, budget) => r,
        }
    }

    async fn get_json_retrying<T: DeserializeOwned>(
        &self,
        url: &str,
        budget: &Budget,
    ) -> Result<T, FetchError> {
        let parsed =
            Url::parse(url).map_err(|e| FetchError::Transport(url.into(), e.to_string()))?;
        if !self.allow.allows(&parsed) {
            return Err(FetchError::HostNotAllowed(
                url.into(),
                self.allow.describe(),
            ));
        }
        // One policy for every transient failure: exponential backoff with jitter, or the
        // server's own Retry-After where it sends one.
        let policy = ExponentialBuilder::default()
            .with_min_delay(self.backoff)
            .with_max_times(self.retries as usize)
            .with_jitter();
        let attempts = AtomicUsize::new(0);
        let body = (|| {
            attempts.fetch_add(1, Ordering::Relaxed);
            self.get_once(parsed.clone(), budget)
        })
            .retry(policy)
            .when(|failed| is_transient(&failed.error))
            .adjust(|failed, backoff| backoff.map(|b| failed.retry_after.unwrap_or(b)))
            .notify(|failed, delay| {
                tracing::warn!(%url, error = %failed.error, ?delay, "registry fetch failed; retrying")
            })
            .await
            .map_err(|failed| match attempts.load(Ordering::Relaxed) {
                n if n > 1 && is_transient(&failed.error) => FetchError::GaveUp {
                    error: Box::new(failed.error),
                    attempts: n,
                },
                _ => failed.error,
            })?;
        serde_json::from_slice(&body).map_err(|e| match e.classify() {
            // The document's own bounds speak as data errors.
            serde_json::error::Category::Data => FetchError::Unbounded(url.into(), e.to_string()),
            _ => FetchError::NotJson(url.into(), e.to_string()),
        })
    }

    async fn get_once(&self, url: Url, budget: &Budget) -> Result<Vec<u8>, Failed> {
        let u = url.to_string();
        let resp = self
            .http
            .get(url)
            .header(header::ACCEPT, "application/ld+json, application/json")
            .send()
            .await
            .map_err(|e| Failed::from(transport(&u, &e)))?;
        let status = resp.status();
        if status == StatusCode::NOT_FOUND {
            return Err(FetchError::NotFound(u).into());
        }
        if !status.is_success() {
            let retry_after = resp
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(retry_after);
            return Err(Failed {
                error: FetchError::Status(u, status.as_u16()),
                retry_after,
            });
        }
        let length = resp.content_length().unwrap_or(0) as usize;
        if length > self.max_bytes {
            return Err(FetchError::TooLarge(u, self.max_bytes).into());
        }
        // The length header may be absent or wrong: count while streaming. Reserving the
        // announced length up front avoids the copies of a doubling buffer.
        let mut body = Vec::with_capacity(length);
        let mut stream = resp.bytes_stream();
        let failed = |body: &Vec<u8>, e: FetchError| {
            budget.give_back(body.len());
            Failed::from(e)
        };
        while let Some(chunk) = stream.next().await {
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => return Err(failed(&body, transport(&u, &e))),
            };
            if body.len() + chunk.len() > self.max_bytes {
                return Err(failed(&body, FetchError::TooLarge(u, self.max_bytes)));
            }
            if !budget.take(chunk.len()) {
                return Err(failed(&body, FetchError::OverBudget(u, budget.total)));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// One failed attempt, with how long the server asked us to wait before the next.
struct Failed {
    error: FetchError,
    retry_after: Option<Duration>,
}

impl From<FetchError> for Failed {
    fn from(error: FetchError) -> Self {
        Self {
            error,
            retry_after: None,
        }
    }
}

/// `Retry-After` in either of its forms (RFC 9110 §10.2.3): seconds, or an HTTP date; capped.
fn retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    let wait = match value.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => httpdate::parse_http_date(value)
            .ok()?
            .duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

fn transport(url: &str, e: &reqwest::Error) -> FetchError {
    if e.is_timeout() {
        return FetchError::Transport(url.into(), "timed out".into());
    }
    // The redirect policy's message sits in the source chain.
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg = format!("{msg}: {s}");
        src = s.source();
    }
    FetchError::Transport(url.into(), msg)
}

fn is_transient(err: &FetchError) -> bool {
    match err {
        FetchError::Status(_, code) => *code == 429 || *code >= 500,
        FetchError::Transport(_, msg) => {
            !msg.contains("not allowed") && !msg.contains("too many redirects")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates_and_is_capped() {
        assert_eq!(retry_after(" 2 "), Some(Duration::from_secs(2)));
        assert_eq!(retry_after("3600"), Some(MAX_RETRY_AFTER));
        let soon = std::time::SystemTime::now() + Duration::from_secs(10);
        let wait = retry_after(&httpdate::fmt_http_date(soon)).unwrap();
        assert!(
            wait > Duration::from_secs(8) && wait <= Duration::from_secs(10),
            "{wait:?}"
        );
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon"), None);
    }

    #[test]
    fn allowlist_matches_https_on_443_or_pinned_ports_only() {
        let a = HostAllowlist::new(&[
            "credentialengineregistry.org".into(),
            "127.0.0.1:8080".into(),
        ]);
        let ok = |u: &str| a.allows(&Url::parse(u).unwrap());
        assert!(ok("https://credentialengineregistry.org/resources/ce-1"));
        assert!(ok("https://CredentialEngineRegistry.org:443/graph/ce-1"));
        // A bare host name is HTTPS on 443, nothing else.
        assert!(!ok("http://credentialengineregistry.org/resources/ce-1"));
        assert!(!ok("https://credentialengineregistry.org:8443/x"));
        assert!(!ok("http://credentialengineregistry.org:443/x"));
        // A pinned port is that port only, over either scheme.
        assert!(ok("http://127.0.0.1:8080/x"));
        assert!(ok("https://127.0.0.1:8080/x"));
        assert!(!ok("http://127.0.0.1:8081/x"));
        assert!(!ok("https://127.0.0.1/x"));
        assert!(!ok(
            "https://evil.credentialengineregistry.org.example.com/"
        ));
        assert!(!ok("https://sandbox.credentialengineregistry.org/"));
        assert!(!ok("file:///etc/passwd"));
        assert!(!ok("ftp://credentialengineregistry.org/"));
    }

    #[test]
    fn only_rate_limits_server_errors_and_transport_errors_are_retried() {
        assert!(is_transient(&FetchError::Status("u".into(), 503)));
        assert!(is_transient(&FetchError::Status("u".into(), 429)));
        assert!(!is_transient(&FetchError::Status("u".into(), 403)));
        assert!(!is_transient(&FetchError::NotFound("u".into())));
        assert!(!is_transient(&FetchError::Transport(
            "u".into(),
            "redirect to a host not allowed".into()
        )));
    }
}
