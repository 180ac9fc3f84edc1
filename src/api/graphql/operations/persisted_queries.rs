//! Automatic persisted queries (Apollo's protocol): a client sends a query's SHA-256 alone; the
//! first time it is not known (`PersistedQueryNotFound`), the client sends hash and text, and the
//! text is kept under its hash. A known hash becomes its text before anything else looks at the
//! request, so the kept parse, the document rules and the read cache serve it like any text.
use async_graphql::{Request, ServerError};
use quick_cache::sync::Cache;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::api::graphql::errors::{server_error, ErrorCode};

/// Texts kept (least recently used go first).
const KEPT: usize = 1024;

#[derive(Deserialize)]
struct PersistedQuery {
    version: i32,
    #[serde(rename = "sha256Hash")]
    sha256_hash: String,
}

pub struct PersistedQueries {
    texts: Cache<String, String>,
}

impl Default for PersistedQueries {
    fn default() -> Self {
        Self {
            texts: Cache::new(KEPT),
        }
    }
}

impl PersistedQueries {
    /// Gives a request that names a persisted query its text (keeping a text sent with its
    /// hash); a request without one is left as it is, so this may run twice.
    pub fn resolve(&self, request: &mut Request) -> Result<(), ServerError> {
        let Some(value) = request.extensions.remove("persistedQuery") else {
            return Ok(());
        };
        let bad = |message: String| server_error(ErrorCode::BadRequest, message);
        let persisted: PersistedQuery = async_graphql::from_value(value)
            .map_err(|_| bad("the persistedQuery extension is not {version, sha256Hash}".into()))?;
        if persisted.version != 1 {
            return Err(bad(format!(
                "persisted queries of version 1 are supported, not {}",
                persisted.version
            )));
        }
        if request.query.is_empty() {
            return match self.texts.get(&persisted.sha256_hash) {
                Some(text) => {
                    request.query = text;
                    Ok(())
                }
                None => Err(server_error(
                    ErrorCode::PersistedQueryNotFound,
                    "PersistedQueryNotFound",
                )),
            };
        }
        let hash = format!("{:x}", Sha256::digest(request.query.as_bytes()));
        if hash != persisted.sha256_hash {
            return Err(bad("provided sha does not match query".into()));
        }
        self.texts.insert(hash, request.query.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(query: &str, hash: &str, version: i32) -> Request {
        serde_json::from_value(json!({
            "query": query,
            "extensions": {"persistedQuery": {"version": version, "sha256Hash": hash}}
        }))
        .unwrap()
    }

    fn code(e: ServerError) -> String {
        e.extensions.unwrap().get("code").unwrap().to_string()
    }

    #[test]
    fn a_text_sent_with_its_hash_is_served_by_the_hash_alone() {
        let kept = PersistedQueries::default();
        let text = "{ skills { name } }";
        let hash = format!("{:x}", Sha256::digest(text.as_bytes()));
        let unknown = kept.resolve(&mut request("", &hash, 1)).unwrap_err();
        assert_eq!(unknown.message, "PersistedQueryNotFound");
        assert_eq!(code(unknown), "\"PERSISTED_QUERY_NOT_FOUND\"");
        kept.resolve(&mut request(text, &hash, 1)).unwrap();
        let mut by_hash = request("", &hash, 1);
        kept.resolve(&mut by_hash).unwrap();
        assert_eq!(by_hash.query, text);
        assert!(by_hash.extensions.is_empty(), "resolved once");
    }

    #[test]
    fn a_wrong_hash_or_version_is_refused() {
        let kept = PersistedQueries::default();
        let wrong = kept.resolve(&mut request("{ a }", "00", 1)).unwrap_err();
        assert_eq!(code(wrong), "\"BAD_REQUEST\"");
        let hash = format!("{:x}", Sha256::digest(b"{ a }"));
        assert!(kept.resolve(&mut request("{ a }", &hash, 2)).is_err());
        assert!(
            kept.resolve(&mut request("", &hash, 1)).is_err(),
            "nothing was kept"
        );
    }
}
