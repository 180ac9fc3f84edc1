//! The service as a real process (the `skillgraph` binary), so tests can SIGKILL or SIGTERM it.

use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub struct Service {
    pub child: Child,
    pub addr: String,
    http: reqwest::Client,
}

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Service {
    /// Starts `skillgraph serve` on `database` with short job timings (lease 2 s, heartbeat and
    /// poll 200 ms) and `extra` settings; returns once `/health` answers.
    pub async fn start(database: &str, extra: &[(&str, &str)]) -> Self {
        Self::start_logging_to(database, extra, None).await
    }

    /// Like [`start`](Self::start), with the process's stderr (its logs) written to `log`.
    pub async fn start_logging_to(
        database: &str,
        extra: &[(&str, &str)],
        log: Option<&std::path::Path>,
    ) -> Self {
        Self::start_under(&[], database, extra, log).await
    }

    /// Like [`start_logging_to`](Self::start_logging_to), the binary run by `prefix` (a
    /// profiler: `valgrind --tool=callgrind`) when one is given.
    pub async fn start_under(
        prefix: &[&str],
        database: &str,
        extra: &[(&str, &str)],
        log: Option<&std::path::Path>,
    ) -> Self {
        let addr = format!("127.0.0.1:{}", free_port());
        let mut cmd = match prefix {
            [] => Command::new(super::service_binary()),
            [program, args @ ..] => {
                let mut cmd = Command::new(program);
                cmd.args(args).arg(super::service_binary());
                cmd
            }
        };
        cmd.arg("serve")
            .env("SKILLGRAPH_BIND", &addr)
            .env("SKILLGRAPH_NEO4J_URI", super::bolt_uri(database))
            .env("SKILLGRAPH_NEO4J_USER", super::db_user())
            .env("SKILLGRAPH_NEO4J_PASSWORD", super::db_password())
            .env("SKILLGRAPH_NEO4J_DATABASE", database)
            .env(
                "SKILLGRAPH_CE_ALLOWED_HOSTS",
                super::ce_server::allowed().join(","),
            )
            .env("SKILLGRAPH_HTTP_BACKOFF_MS", "10")
            .env("SKILLGRAPH_S3_ENDPOINT", super::s3::endpoint())
            .env("SKILLGRAPH_JOB_LEASE_MS", "2000")
            .env("SKILLGRAPH_JOB_HEARTBEAT_MS", "200")
            .env("SKILLGRAPH_JOB_POLL_MS", "200")
            .env("SKILLGRAPH_JOB_WATCH_MS", "100")
            .env("RUST_LOG", env("SKILLGRAPH_TEST_SERVICE_LOG", "warn"))
            .stdin(Stdio::null());
        for (k, v) in extra {
            cmd.env(k, v);
        }
        if let Some(log) = log {
            cmd.stderr(std::fs::File::create(log).unwrap());
        }
        let child = cmd.spawn().expect("the skillgraph binary starts");
        let service = Service {
            child,
            addr,
            http: reqwest::Client::new(),
        };
        let deadline =
            Instant::now() + Duration::from_secs(if prefix.is_empty() { 60 } else { 300 });
        loop {
            if let Ok(r) = service.http.get(service.url("/health")).send().await {
                if r.status().is_success() {
                    return service;
                }
            }
            assert!(Instant::now() < deadline, "service did not become healthy");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The process's peak resident memory so far (Linux `VmHWM`), in MiB.
    pub fn peak_rss_mib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let kib: u64 = (status.lines())
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0);
        kib / 1024
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn socket_addr(&self) -> std::net::SocketAddr {
        self.addr.parse().unwrap()
    }

    /// The whole GraphQL answer (data and errors).
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.http
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.gql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// The job with `fields`, as this process answers.
    pub async fn job(&self, name: &str, fields: &str) -> Value {
        let q = format!("query($n:String!){{ job(jobName:$n){{ {fields} }} }}");
        self.data(&q, json!({"n": name})).await["job"].clone()
    }

    /// Polls the job until `done` holds of it; fails after `within`.
    pub async fn wait_for(
        &self,
        name: &str,
        fields: &str,
        within: Duration,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + within;
        loop {
            let job = self.job(name, fields).await;
            if done(&job) {
                return job;
            }
            assert!(
                Instant::now() < deadline,
                "job {name} did not reach the state in {within:?}: {job:#}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn kill(&mut self) {
        self.child.kill().unwrap(); // SIGKILL
        self.child.wait().unwrap();
    }

    /// SIGTERM, then waits for the process to exit (within `within`).
    pub async fn terminate(&mut self, within: Duration) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success());
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "service did not exit after SIGTERM"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
