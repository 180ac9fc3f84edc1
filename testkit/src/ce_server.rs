//! A local stand-in for the Credential Engine Registry: serves the recorded CTDL-ASN documents
//! in `tests/fixtures/ce/` over real HTTP, plus a few behaviours of a real server (a 500 that
//! succeeds on retry, a redirect off the allowlist, a generated 5,000-competency framework).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};

#[derive(Default)]
pub struct Registry {
    pub base: String,
    /// Text substituted for `{{REV}}`, to publish a revised version of the fixtures.
    pub revision: Mutex<String>,
    pub hits: Mutex<HashMap<String, usize>>,
    pub big_size: usize,
    /// Competencies in each generated framework `/resources/ce-gen-{k}`.
    pub gen_size: AtomicUsize,
    /// How long `/graph/ce-gen-{k}` takes to answer, in ms: a slow registry.
    pub gen_delay_ms: AtomicU64,
    /// Competencies of `/resources/ce-fw-heavy`, and the padding each one carries.
    pub heavy: Mutex<(usize, Bytes)>,
    /// Top children `/resources/ce-fw-wide` lists.
    pub wide: AtomicUsize,
    /// Competencies of `/resources/ce-fw-keywords`, and the `ceasn:conceptKeyword` list (a
    /// property the mapping reads) each one carries.
    pub keywords: Mutex<(usize, Bytes)>,
    /// The `ceasn:hasTopChild` list of `/resources/ce-fw-repeat`.
    pub repeat: Mutex<Bytes>,
    /// Whether `/resources/ce-fw-cycle` also puts its competency 1 under its competency 3.
    pub cycle_back: std::sync::atomic::AtomicBool,
}

/// A JSON list of `bytes` of short strings cycling through `distinct` values.
fn string_list(bytes: usize, distinct: usize) -> Bytes {
    let mut list = Vec::with_capacity(bytes + 16);
    list.push(b'[');
    let mut i = 0;
    while list.len() + 16 < bytes {
        list.extend_from_slice(format!("\"k{}\",", i % distinct).as_bytes());
        i += 1;
    }
    list.extend_from_slice(b"\"end\"]");
    Bytes::from(list)
}

impl Registry {
    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
    pub fn set_revision(&self, rev: &str) {
        *self.revision.lock().unwrap() = rev.to_string();
    }
    pub fn uri(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
    /// Serves generated frameworks `ce-gen-{k}` of `size` competencies, each `/graph/` document
    /// answered after `delay`.
    pub fn generate(&self, size: usize, delay: Duration) {
        self.gen_size.store(size, Ordering::SeqCst);
        self.gen_delay_ms
            .store(delay.as_millis() as u64, Ordering::SeqCst);
    }
    pub fn gen_uri(&self, k: usize) -> String {
        self.uri(&format!("/resources/ce-gen-{k}"))
    }
    /// `/resources/ce-fw-heavy` lists `n` competencies (crawled: it has no `@graph` document),
    /// each carrying `bytes` of an unread property made of many small objects: cheap to skip,
    /// about thirty times its size as a `serde_json::Value`.
    pub fn heavy(&self, n: usize, bytes: usize) {
        let item = br#"{"x":"y"},"#;
        let mut pad = Vec::with_capacity(bytes + 16);
        pad.push(b'[');
        while pad.len() + item.len() < bytes {
            pad.extend_from_slice(item);
        }
        pad.extend_from_slice(b"{}]");
        *self.heavy.lock().unwrap() = (n, Bytes::from(pad));
    }
    /// `/resources/ce-fw-keywords` lists `n` competencies (crawled), each with a
    /// `ceasn:conceptKeyword` list of `bytes` cycling through `distinct` short strings.
    pub fn keywords(&self, n: usize, bytes: usize, distinct: usize) {
        *self.keywords.lock().unwrap() = (n, string_list(bytes, distinct));
    }
    /// `/resources/ce-fw-repeat` has a `ceasn:hasTopChild` list of `bytes` cycling through
    /// `distinct` short strings (none of them a competency).
    pub fn repeated_top_children(&self, bytes: usize, distinct: usize) {
        *self.repeat.lock().unwrap() = string_list(bytes, distinct);
    }
    /// Paths fetched (any number of times) that start with `prefix`.
    pub fn paths_hit(&self, prefix: &str) -> usize {
        let hits = self.hits.lock().unwrap();
        hits.keys().filter(|p| p.starts_with(prefix)).count()
    }
    /// How many times the `@graph` documents of generated frameworks were fetched, in all.
    pub fn gen_fetches(&self) -> usize {
        let hits = self.hits.lock().unwrap();
        hits.iter()
            .filter(|(p, _)| p.starts_with("/graph/ce-gen-"))
            .map(|(_, n)| n)
            .sum()
    }
}

/// Every registry started in this process, as allowlist entries (`127.0.0.1:port`): the
/// service allows a bare host name on HTTPS port 443 only, so tests pin their ports.
static STARTED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Allowlist entries of the registries started so far in this process.
pub fn allowed() -> Vec<String> {
    STARTED.lock().unwrap().clone()
}

/// A JSON-LD body sent in parts, so the registry holds one copy of a large list.
fn streamed(parts: [Bytes; 3]) -> Response {
    let body = Body::from_stream(futures::stream::iter(parts.map(Ok::<_, std::io::Error>)));
    ([(header::CONTENT_TYPE, "application/ld+json")], body).into_response()
}

pub async fn start(big_size: usize) -> (SocketAddr, Arc<Registry>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    STARTED.lock().unwrap().push(addr.to_string());
    let registry = Arc::new(Registry {
        base: format!("http://127.0.0.1:{}", addr.port()),
        big_size,
        ..Default::default()
    });
    let app = Router::new().fallback(serve).with_state(registry.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, registry)
}

async fn serve(State(reg): State<Arc<Registry>>, uri: Uri) -> Response {
    let path = uri.path().to_string();
    let hit = {
        let mut hits = reg.hits.lock().unwrap();
        let n = hits.entry(path.clone()).or_default();
        *n += 1;
        *n
    };
    if let Some(id) = path.strip_prefix("/graph/ce-gen-") {
        let delay = reg.gen_delay_ms.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        let fw = format!("ce-gen-{id}");
        let mut doc = generated(
            &reg.base,
            &fw,
            &fw,
            &fw,
            reg.gen_size.load(Ordering::SeqCst),
        );
        // A revision (`set_revision`) changes every competency's text, as it does the fixtures'.
        let rev = reg.revision.lock().unwrap().clone();
        if !rev.is_empty() {
            for c in doc["@graph"].as_array_mut().unwrap().iter_mut().skip(1) {
                let text = c["ceasn:competencyText"]["en-US"]
                    .as_str()
                    .unwrap_or_default();
                c["ceasn:competencyText"]["en-US"] = json!(format!("{text}{rev}"));
            }
        }
        return json_ld(doc.to_string());
    }
    if let Some(id) = path.strip_prefix("/resources/ce-gen-") {
        return json_ld(
            json!({"@id": format!("{}/resources/ce-gen-{id}", reg.base), "@type": "ceasn:CompetencyFramework"})
                .to_string(),
        );
    }
    if let Some(i) = path.strip_prefix("/resources/ce-heavy-") {
        // Streamed from the shared padding, so the registry holds one copy whatever is asked.
        let pad = reg.heavy.lock().unwrap().1.clone();
        let head = format!(
            r#"{{"@id": "{}", "@type": "ceasn:Competency", "ceasn:competencyText": "Heavy {i}", "x-padding": "#,
            reg.uri(&path)
        );
        let parts = [Bytes::from(head), pad, Bytes::from_static(b"}")];
        let body = Body::from_stream(futures::stream::iter(parts.map(Ok::<_, std::io::Error>)));
        return ([(header::CONTENT_TYPE, "application/ld+json")], body).into_response();
    }
    if let Some(i) = path.strip_prefix("/resources/ce-keywords-") {
        let list = reg.keywords.lock().unwrap().1.clone();
        let head = format!(
            r#"{{"@id": "{}", "@type": "ceasn:Competency", "ceasn:competencyText": "Keywords {i}", "ceasn:conceptKeyword": "#,
            reg.uri(&path)
        );
        return streamed([Bytes::from(head), list, Bytes::from_static(b"}")]);
    }
    if path == "/resources/ce-fw-repeat" {
        let list = reg.repeat.lock().unwrap().clone();
        let head = format!(
            r#"{{"@id": "{}", "@type": "ceasn:CompetencyFramework", "ceasn:name": "Repeat", "ceasn:hasTopChild": "#,
            reg.uri(&path)
        );
        return streamed([Bytes::from(head), list, Bytes::from_static(b"}")]);
    }
    if let Some(i) = path.strip_prefix("/resources/ce-wide-") {
        return json_ld(
            json!({"@id": reg.uri(&path), "@type": "ceasn:Competency", "ceasn:competencyText": format!("Wide {i}")})
                .to_string(),
        );
    }
    let list = |prefix: &str, n: usize| -> Vec<String> {
        (0..n).map(|i| reg.uri(&format!("{prefix}{i}"))).collect()
    };
    match path.as_str() {
        "/resources/ce-fw-heavy" => {
            let n = reg.heavy.lock().unwrap().0;
            return json_ld(
                json!({"@id": reg.uri(&path), "@type": "ceasn:CompetencyFramework",
                    "ceasn:name": "Heavy", "ceasn:hasTopChild": list("/resources/ce-heavy-", n)})
                .to_string(),
            );
        }
        "/resources/ce-fw-keywords" => {
            let n = reg.keywords.lock().unwrap().0;
            return json_ld(
                json!({"@id": reg.uri(&path), "@type": "ceasn:CompetencyFramework",
                    "ceasn:name": "Keywords", "ceasn:hasTopChild": list("/resources/ce-keywords-", n)})
                .to_string(),
            );
        }
        "/resources/ce-fw-wide" => {
            let n = reg.wide.load(Ordering::SeqCst);
            return json_ld(
                json!({"@id": reg.uri(&path), "@type": "ceasn:CompetencyFramework",
                    "ceasn:name": "Wide", "ceasn:hasTopChild": list("/resources/ce-wide-", n)})
                .to_string(),
            );
        }
        // A registry that is down, however often it is asked.
        "/resources/ce-down" => {
            return (StatusCode::SERVICE_UNAVAILABLE, "down for maintenance").into_response()
        }
        // A registry that accepts the connection and never answers.
        "/resources/ce-hang" => std::future::pending::<()>().await,
        "/resources/ce-fw-flaky" if hit == 1 => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "upstream hiccup").into_response()
        }
        "/resources/ce-fw-flaky" => return fixture(&reg, "graph_ce-fw-flaky"),
        // Text with a NUL, a bell and a right-to-left override, as a publisher's export had.
        "/resources/ce-fw-controls" => {
            let mut doc = generated(&reg.base, "ce-fw-controls", "ce-ctl", "Controls", 2);
            doc["@id"] = json!(reg.uri(&path));
            doc["@graph"][1]["ceasn:competencyText"] = json!({"en-US": "Spoofed\u{0}\u{7} na\u{202E}me"});
            return json_ld(doc.to_string());
        }
        // A publisher's hierarchy that loops: 0 under 2, 1 under 0, 2 under 1; 3 at the top
        // (and, once `cycle_back` is set, a parent of 1 too).
        "/resources/ce-fw-cycle" => {
            let mut doc = generated(&reg.base, "ce-fw-cycle", "ce-cyc", "Cycle", 4);
            let comp = |i: usize| reg.uri(&format!("/resources/ce-cyc-{i}"));
            doc["@id"] = json!(reg.uri(&path));
            doc["@graph"][1]["ceasn:isChildOf"] = json!([comp(2)]);
            doc["@graph"][2]["ceasn:isChildOf"] = json!([comp(0)]);
            doc["@graph"][3]["ceasn:isChildOf"] = json!([comp(1)]);
            if reg.cycle_back.load(Ordering::SeqCst) {
                doc["@graph"][2]["ceasn:isChildOf"] = json!([comp(0), comp(3)]);
            }
            return json_ld(doc.to_string());
        }
        // A competency whose label is 9 KB, between two ordinary ones.
        "/resources/ce-fw-long" => {
            let mut doc = generated(&reg.base, "ce-fw-long", "ce-long", "Long", 3);
            doc["@id"] = json!(reg.uri(&path));
            doc["@graph"][2]["ceasn:competencyLabel"] = json!({"en-US": "n".repeat(9_000)});
            return json_ld(doc.to_string());
        }
        "/resources/ce-redirect" => {
            let port = reg.base.rsplit(':').next().unwrap();
            let to = format!("http://127.0.0.2:{port}/resources/ce-fw-b");
            return (StatusCode::FOUND, [(header::LOCATION, to)]).into_response();
        }
        "/graph/ce-fw-big" => return json_ld(big_framework(&reg.base, reg.big_size).to_string()),
        "/resources/ce-fw-big" => {
            return json_ld(
                json!({"@id": format!("{}/resources/ce-fw-big", reg.base), "@type": "ceasn:CompetencyFramework"})
                    .to_string(),
            )
        }
        _ => {}
    }
    let name = path.trim_start_matches('/').replacen('/', "_", 1);
    fixture(&reg, &name)
}

fn fixture(reg: &Registry, name: &str) -> Response {
    let file = format!(
        "{}/../tests/fixtures/ce/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    match std::fs::read_to_string(file) {
        Ok(text) => json_ld(
            text.replace("{{BASE}}", &reg.base)
                .replace("{{REV}}", &reg.revision.lock().unwrap()),
        ),
        Err(_) => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

fn json_ld(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/ld+json")], body).into_response()
}

/// A framework with `n` competencies: 50 top-level ones, every other one the child of an
/// earlier one, with language maps, keywords and an occupation on each.
pub fn big_framework(base: &str, n: usize) -> Value {
    generated(base, "ce-fw-big", "ce-big", "Big", n)
}

/// A framework `/resources/{id}` with `n` competencies `/resources/{prefix}-{i}` labelled
/// `{label} competency {i:05}`, shaped like [`big_framework`].
pub fn generated(base: &str, id: &str, prefix: &str, label: &str, n: usize) -> Value {
    let fw = format!("{base}/resources/{id}");
    let comp = |i: usize| format!("{base}/resources/{prefix}-{i}");
    let mut graph = vec![json!({
        "@id": fw,
        "@type": "ceasn:CompetencyFramework",
        "ceasn:name": {"en-US": format!("{label} Framework")},
        "ceasn:hasTopChild": (0..n.min(50)).map(comp).collect::<Vec<_>>(),
    })];
    for i in 0..n {
        let mut c = json!({
            "@id": comp(i),
            "@type": "ceasn:Competency",
            "ceterms:ctid": format!("{prefix}-{i}"),
            "ceasn:competencyLabel": {"en-US": format!("{label} competency {i:05}")},
            "ceasn:competencyText": {"en-US": format!("Do the thing number {i} well"), "es": format!("Hacer {i}")},
            "ceasn:codedNotation": format!("BIG-{i}"),
            "ceasn:conceptKeyword": {"en-US": ["big", format!("k{}", i % 10)]},
            "ceasn:isPartOf": fw,
            "ceterms:occupationType": [{"ceterms:codedNotation": format!("15-12{:02}.00", 50 + i % 10)}],
        });
        if i >= 50 {
            c["ceasn:isChildOf"] = json!([comp(i / 2)]);
        }
        graph.push(c);
    }
    json!({"@id": format!("{base}/graph/{id}"), "@graph": graph})
}
