//! Who is calling: API keys (for services and scripts) and JWTs (for frontend apps), both as
//! `Authorization: Bearer ...` (and in a WebSocket's `connection_init` payload), each giving a
//! name and a role. Only a SHA-256 hash of each API key is kept and compared in constant time.
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::sync::RwLock;

use crate::config::AuthConfig;

/// What a caller may do; each role may do what the ones before it may.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, strum::EnumString, strum::Display,
)]
#[strum(serialize_all = "lowercase", ascii_case_insensitive)]
pub enum Role {
    /// Queries and subscriptions.
    Reader,
    /// Also starts imports and file loads, and cancels its own jobs.
    Editor,
    /// Also cancels any job and sees every job's input.
    Admin,
}

/// The caller of one request.
#[derive(Clone, Debug, PartialEq)]
pub struct Identity {
    pub name: String,
    pub role: Role,
}

impl Identity {
    /// Whether this caller may see every job, whoever created it.
    pub fn sees_all_jobs(&self, visible_to_all: bool) -> bool {
        visible_to_all || self.role == Role::Admin
    }

    /// Whether this caller may see (and follow) a job created by `created_by`.
    pub fn sees_job_of(&self, created_by: &str, visible_to_all: bool) -> bool {
        self.sees_all_jobs(visible_to_all) || self.name == created_by
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Unauthenticated(pub String);

struct ApiKey {
    name: String,
    role: Role,
    hash: [u8; 32],
}

pub struct Auth {
    keys: Vec<ApiKey>,
    jwt: Option<Jwt>,
    anonymous: Option<Role>,
    pub jobs_visible_to_all: bool,
    /// No credentials configured: every local caller is admin, so the `Host` header is checked
    /// (a page on a rebinding domain must not reach the service through a visitor's browser).
    pub open: bool,
}

impl Auth {
    /// Reads the configuration; refuses an open service on a non-loopback address.
    pub fn from_config(cfg: &AuthConfig, bind: SocketAddr) -> anyhow::Result<Self> {
        let keys = cfg
            .api_keys
            .iter()
            .map(|k| parse_key(k.expose_secret()))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let jwt = Jwt::from_config(cfg)?;
        let mut anonymous = cfg
            .allow_anonymous
            .as_deref()
            .map(|r| {
                r.parse::<Role>().with_context(|| {
                    format!("--allow-anonymous {r:?}: not reader, editor or admin")
                })
            })
            .transpose()?;
        let open = keys.is_empty() && jwt.is_none() && anonymous.is_none();
        if open {
            if !bind.ip().is_loopback() {
                bail!(
                    "refusing to serve {bind} without authentication: configure SKILLGRAPH_API_KEYS or a JWT issuer, \
                     or say --allow-anonymous ROLE explicitly"
                );
            }
            tracing::warn!(%bind, "no credentials configured: the service is open to every local caller (as admin)");
            anonymous = Some(Role::Admin);
        }
        Ok(Self {
            keys,
            jwt,
            anonymous,
            jobs_visible_to_all: cfg.jobs_visible_to_all,
            open,
        })
    }

    /// The caller behind an `Authorization` value (or none): an API key, a JWT, or anonymous
    /// when that is allowed.
    pub async fn identify(&self, authorization: Option<&str>) -> Result<Identity, Unauthenticated> {
        let Some(value) = authorization.map(str::trim).filter(|v| !v.is_empty()) else {
            return self
                .anonymous
                .map(|role| Identity {
                    name: crate::jobs::ANONYMOUS.into(),
                    role,
                })
                .ok_or_else(|| {
                    Unauthenticated(
                        "credentials required: Authorization: Bearer <API key or JWT>".into(),
                    )
                });
        };
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or_else(|| {
                Unauthenticated("the Authorization header must be `Bearer <token>`".into())
            })?
            .trim();
        let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        // Every key is compared, in constant time, whichever matches.
        let mut found = None;
        for key in &self.keys {
            if bool::from(key.hash.ct_eq(&hash)) {
                found = Some(Identity {
                    name: key.name.clone(),
                    role: key.role,
                });
            }
        }
        if let Some(identity) = found {
            return Ok(identity);
        }
        match &self.jwt {
            Some(jwt) => jwt.identify(token).await,
            None => Err(Unauthenticated("unknown API key".into())),
        }
    }
}

fn parse_key(entry: &str) -> anyhow::Result<ApiKey> {
    let mut parts = entry.trim().splitn(3, ':');
    let (Some(name), Some(role), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
        bail!("an API key is `name:role:key`");
    };
    let role = role.parse::<Role>().with_context(|| {
        format!("API key {name:?}: role {role:?} is not reader, editor or admin")
    })?;
    if key.len() < 16 {
        bail!("API key {name:?}: the key must have at least 16 characters");
    }
    Ok(ApiKey {
        name: name.to_string(),
        role,
        hash: Sha256::digest(key.as_bytes()).into(),
    })
}

/// JWT checking: an HS256 secret, or the identity provider's JWKS (fetched, cached, and fetched
/// again for a key id it does not know, at most every `JWKS_MIN_REFRESH`).
struct Jwt {
    secret: Option<DecodingKey>,
    jwks_url: Option<String>,
    jwks: RwLock<Option<(Instant, Arc<JwkSet>)>>,
    issuer: Option<String>,
    audience: Option<String>,
    role_claim: String,
    http: reqwest::Client,
}

const JWKS_MAX_AGE: Duration = Duration::from_secs(600);
const JWKS_MIN_REFRESH: Duration = Duration::from_secs(30);

impl Jwt {
    fn from_config(cfg: &AuthConfig) -> anyhow::Result<Option<Self>> {
        let secret = cfg
            .jwt_hs256_secret
            .as_ref()
            .map(|s| DecodingKey::from_secret(s.expose_secret().as_bytes()));
        if secret.is_none() && cfg.jwt_jwks_url.is_none() {
            return Ok(None);
        }
        Ok(Some(Self {
            secret,
            jwks_url: cfg.jwt_jwks_url.clone(),
            jwks: RwLock::new(None),
            issuer: cfg.jwt_issuer.clone(),
            audience: cfg.jwt_audience.clone(),
            role_claim: cfg.jwt_role_claim.clone(),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()?,
        }))
    }

    async fn identify(&self, token: &str) -> Result<Identity, Unauthenticated> {
        let bad = |why: String| Unauthenticated(format!("invalid token: {why}"));
        let header = decode_header(token).map_err(|e| bad(e.to_string()))?;
        let key = match (header.alg, &self.secret) {
            (Algorithm::HS256, Some(secret)) => secret.clone(),
            (Algorithm::HS256, None) => return Err(bad("HS256 tokens are not accepted".into())),
            _ => self.jwks_key(header.kid.as_deref()).await?,
        };
        let mut validation = Validation::new(header.alg);
        validation.validate_exp = true;
        validation.set_required_spec_claims(&["exp"]);
        match &self.issuer {
            Some(iss) => validation.set_issuer(&[iss]),
            None => validation.iss = None,
        }
        match &self.audience {
            Some(aud) => validation.set_audience(&[aud]),
            None => validation.validate_aud = false,
        }
        let claims = decode::<serde_json::Value>(token, &key, &validation)
            .map_err(|e| bad(e.to_string()))?
            .claims;
        let name = claims["sub"]
            .as_str()
            .ok_or_else(|| bad("no `sub` claim".into()))?;
        let role = claims[&self.role_claim]
            .as_str()
            .and_then(|r| r.parse::<Role>().ok())
            .ok_or_else(|| bad(format!("no valid `{}` claim", self.role_claim)))?;
        Ok(Identity {
            name: name.to_string(),
            role,
        })
    }

    async fn jwks_key(&self, kid: Option<&str>) -> Result<DecodingKey, Unauthenticated> {
        let bad = |why: &str| Unauthenticated(format!("invalid token: {why}"));
        let kid = kid.ok_or_else(|| bad("no key id (kid)"))?;
        let find = |set: &JwkSet| {
            set.find(kid)
                .and_then(|jwk| DecodingKey::from_jwk(jwk).ok())
        };
        let cached = self.jwks.read().await.clone();
        if let Some((at, set)) = &cached {
            if let Some(key) = find(set) {
                if at.elapsed() < JWKS_MAX_AGE {
                    return Ok(key);
                }
            }
            if at.elapsed() < JWKS_MIN_REFRESH {
                return Err(bad("unknown signing key"));
            }
        }
        let set = self.fetch_jwks().await.map_err(|e| {
            tracing::warn!(error = %e, "could not fetch the JWKS");
            bad("signing keys unavailable")
        })?;
        *self.jwks.write().await = Some((Instant::now(), set.clone()));
        find(&set).ok_or_else(|| bad("unknown signing key"))
    }

    async fn fetch_jwks(&self) -> anyhow::Result<Arc<JwkSet>> {
        let url = self.jwks_url.as_deref().context("no JWKS URL configured")?;
        let set = self
            .http
            .get(url)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(Arc::new(set))
    }
}

/// The credentials a request carries, if any (`Authorization: Bearer ...`).
pub fn authorization(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(keys: &[&str]) -> AuthConfig {
        let mut c = crate::config::Config::from_env_and_defaults().auth;
        c.api_keys = keys.iter().map(|k| k.to_string().into()).collect();
        c
    }

    #[tokio::test]
    async fn api_keys_identify_by_hash_and_bad_entries_are_refused() {
        let bind: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        let auth = Auth::from_config(&config(&["ci:editor:0123456789abcdef0123"]), bind).unwrap();
        let who = auth
            .identify(Some("Bearer 0123456789abcdef0123"))
            .await
            .unwrap();
        assert_eq!(
            who,
            Identity {
                name: "ci".into(),
                role: Role::Editor
            }
        );
        assert!(auth
            .identify(Some("Bearer 0123456789abcdef0124"))
            .await
            .is_err());
        assert!(
            auth.identify(None).await.is_err(),
            "no anonymous access when keys exist"
        );
        assert!(Auth::from_config(&config(&["ci:owner:0123456789abcdef0123"]), bind).is_err());
        assert!(Auth::from_config(&config(&["ci:admin:short"]), bind).is_err());
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let mut config = crate::config::Config::from_env_and_defaults();
        config.auth = self::config(&["ci:admin:key-0123456789abcdef"]);
        config.auth.jwt_hs256_secret = Some("hs-secret-0123456789".to_string().into());
        config.db.password = "db-password-0123".to_string().into();
        let shown = format!("{config:?}");
        for secret in [
            "key-0123456789abcdef",
            "hs-secret-0123456789",
            "db-password-0123",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }

    #[test]
    fn an_open_service_only_on_loopback() {
        let open = config(&[]);
        assert!(Auth::from_config(&open, "127.0.0.1:8080".parse().unwrap()).is_ok());
        assert!(Auth::from_config(&open, "0.0.0.0:8080".parse().unwrap()).is_err());
        let mut explicit = config(&[]);
        explicit.allow_anonymous = Some("reader".into());
        assert!(Auth::from_config(&explicit, "0.0.0.0:8080".parse().unwrap()).is_ok());
    }
}
