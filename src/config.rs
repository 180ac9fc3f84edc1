//! Runtime configuration: every setting is a CLI flag with an environment variable twin.
use std::net::SocketAddr;

use clap::Args;
use secrecy::SecretString;

#[derive(Args, Clone, Debug)]
pub struct DbConfig {
    /// Bolt address of the graph database (host:port or bolt://host:port).
    #[arg(
        long = "neo4j-uri",
        env = "SKILLGRAPH_NEO4J_URI",
        default_value = "127.0.0.1:7687"
    )]
    pub uri: String,
    #[arg(
        long = "neo4j-user",
        env = "SKILLGRAPH_NEO4J_USER",
        default_value = "neo4j"
    )]
    pub user: String,
    #[arg(
        long = "neo4j-password",
        env = "SKILLGRAPH_NEO4J_PASSWORD",
        default_value = "",
        hide_env_values = true,
        value_parser = secret
    )]
    pub password: SecretString,
    #[arg(
        long = "neo4j-database",
        env = "SKILLGRAPH_NEO4J_DATABASE",
        default_value = "neo4j"
    )]
    pub database: String,
    #[arg(
        long = "neo4j-max-connections",
        env = "SKILLGRAPH_NEO4J_MAX_CONNECTIONS",
        default_value_t = 16
    )]
    pub max_connections: usize,
    /// Deadline of every statement, retries included: past it the call fails as
    /// `DATABASE_UNAVAILABLE` instead of hanging.
    #[arg(
        long = "neo4j-statement-timeout-ms",
        env = "SKILLGRAPH_NEO4J_STATEMENT_TIMEOUT_MS",
        default_value_t = 15_000
    )]
    pub statement_timeout_ms: u64,
    /// Deadline of opening one connection.
    #[arg(
        long = "neo4j-connect-timeout-ms",
        env = "SKILLGRAPH_NEO4J_CONNECT_TIMEOUT_MS",
        default_value_t = 3_000
    )]
    pub connect_timeout_ms: u64,
    /// At start-up, how long to keep trying to reach the database before giving up.
    #[arg(
        long = "neo4j-startup-timeout-ms",
        env = "SKILLGRAPH_NEO4J_STARTUP_TIMEOUT_MS",
        default_value_t = 60_000
    )]
    pub startup_timeout_ms: u64,
    /// How long a job waits for an unreachable database (resuming from its checkpoint, or
    /// writing its batch again, once it answers) before it fails.
    #[arg(
        long = "neo4j-outage-wait-ms",
        env = "SKILLGRAPH_NEO4J_OUTAGE_WAIT_MS",
        default_value_t = 300_000
    )]
    pub outage_wait_ms: u64,
}

#[derive(Args, Clone, Debug)]
pub struct Limits {
    /// Largest page a list query may ask for.
    #[arg(long, env = "SKILLGRAPH_MAX_PAGE_SIZE", default_value_t = 100)]
    pub max_page_size: usize,
    /// Largest offset (`skip`) of the offset listings (REST, `skills(skip:)`); deeper pages are
    /// reached with the connections' cursors, which cost the same at any depth.
    #[arg(long, env = "SKILLGRAPH_MAX_OFFSET", default_value_t = 10_000)]
    pub max_offset: usize,
    /// Longest a GraphQL request (not a subscription) may run before it is answered with an
    /// error, in milliseconds.
    #[arg(long, env = "SKILLGRAPH_REQUEST_TIMEOUT_MS", default_value_t = 30_000)]
    pub request_timeout_ms: u64,
    /// Largest request body (and WebSocket message) accepted, in bytes.
    #[arg(long, env = "SKILLGRAPH_MAX_BODY_BYTES", default_value_t = 2 * 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Most root fields (aliases included) one GraphQL operation may select.
    #[arg(long, env = "SKILLGRAPH_MAX_ROOT_FIELDS", default_value_t = 20)]
    pub max_root_fields: usize,
    /// Most fields a GraphQL document may select, with its fragments expanded.
    #[arg(long, env = "SKILLGRAPH_MAX_QUERY_FIELDS", default_value_t = 2000)]
    pub max_query_fields: usize,
    /// Deepest selection set a GraphQL query may have.
    #[arg(long, env = "SKILLGRAPH_MAX_QUERY_DEPTH", default_value_t = 12)]
    pub max_query_depth: usize,
    /// Largest cost (complexity: the items a query can return, each list weighed by its page
    /// size) a GraphQL query may have. The default admits a page of 50 skills with up to 100
    /// parents and 100 children each.
    #[arg(
        long,
        env = "SKILLGRAPH_MAX_QUERY_COMPLEXITY",
        default_value_t = 50_000
    )]
    pub max_query_complexity: usize,
    /// Answer no introspection (`__schema`, `__type`): schema tools and GraphiQL's docs stop
    /// working. Introspection is on by default and has a depth limit of its own.
    #[arg(long, env = "SKILLGRAPH_DISABLE_INTROSPECTION")]
    pub disable_introspection: bool,
    /// Most lexical tokens a GraphQL document may have (checked before it is parsed).
    #[arg(long, env = "SKILLGRAPH_MAX_QUERY_TOKENS", default_value_t = 15_000)]
    pub max_query_tokens: usize,
    /// Largest GraphQL response body, in bytes; a larger result is replaced by an error.
    #[arg(long, env = "SKILLGRAPH_MAX_RESPONSE_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_response_bytes: usize,
    /// Query cost (complexity) one caller may spend per second, with bursts of five seconds'
    /// worth (at least one query of the largest complexity); 0 turns the limit off.
    #[arg(
        long,
        env = "SKILLGRAPH_RATE_COST_PER_SECOND",
        default_value_t = 10_000
    )]
    pub rate_cost_per_second: u32,
    /// Mutations (jobs started or cancelled) one caller may make per minute; 0: no limit.
    #[arg(
        long,
        env = "SKILLGRAPH_RATE_MUTATIONS_PER_MINUTE",
        default_value_t = 60
    )]
    pub rate_mutations_per_minute: u32,
    /// Operations of one caller running at once; more wait (up to the request timeout).
    #[arg(long, env = "SKILLGRAPH_MAX_IN_FLIGHT_PER_CALLER", default_value_t = 4)]
    pub max_in_flight_per_caller: usize,
    /// Subscriptions one caller may hold open at once in this process; more are refused with
    /// `TOO_MANY_SUBSCRIPTIONS`.
    #[arg(
        long,
        env = "SKILLGRAPH_MAX_SUBSCRIPTIONS_PER_CALLER",
        default_value_t = 1_000
    )]
    pub max_subscriptions_per_caller: usize,
    /// Subscriptions one WebSocket connection may hold open at once.
    #[arg(
        long,
        env = "SKILLGRAPH_MAX_SUBSCRIPTIONS_PER_CONNECTION",
        default_value_t = 100
    )]
    pub max_subscriptions_per_connection: usize,
    /// Graph changes a `graphChanges` subscriber may fall behind by; further behind, it gets an
    /// error naming the change to resume after, and completes.
    #[arg(long, env = "SKILLGRAPH_CHANGE_FEED_BUFFER", default_value_t = 8_192)]
    pub change_feed_buffer: usize,
}

#[derive(Args, Clone, Debug)]
pub struct IngestConfig {
    /// Hosts the Credential Engine importer may fetch from (SSRF allowlist).
    #[arg(
        long = "ce-allowed-host",
        env = "SKILLGRAPH_CE_ALLOWED_HOSTS",
        value_delimiter = ',',
        default_value = "credentialengineregistry.org,sandbox.credentialengineregistry.org"
    )]
    pub ce_allowed_hosts: Vec<String>,
    /// DNS overrides for registry hosts, `host=ip` (comma-separated): pins a host to an address.
    #[arg(
        long = "ce-resolve",
        env = "SKILLGRAPH_CE_RESOLVE",
        value_delimiter = ','
    )]
    pub ce_resolve: Vec<String>,
    /// Preferred language for CTDL language maps; falls back to any English, then any value.
    #[arg(
        long = "ce-language",
        env = "SKILLGRAPH_CE_LANGUAGE",
        default_value = "en-US"
    )]
    pub ce_language: String,
    /// Per-request timeout for registry fetches, in seconds.
    #[arg(
        long = "http-timeout-secs",
        env = "SKILLGRAPH_HTTP_TIMEOUT_SECS",
        default_value_t = 30
    )]
    pub http_timeout_secs: u64,
    /// Retries after a 429/5xx or a transport error, with exponential backoff.
    #[arg(
        long = "http-retries",
        env = "SKILLGRAPH_HTTP_RETRIES",
        default_value_t = 3
    )]
    pub http_retries: u32,
    /// First backoff delay in milliseconds; doubled on each retry.
    #[arg(
        long = "http-backoff-ms",
        env = "SKILLGRAPH_HTTP_BACKOFF_MS",
        default_value_t = 500
    )]
    pub http_backoff_ms: u64,
    /// Largest response body accepted from the registry, in bytes.
    #[arg(long = "http-max-bytes", env = "SKILLGRAPH_HTTP_MAX_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub http_max_bytes: usize,
    /// Bytes all registry documents of one framework may weigh together (the framework, its
    /// @graph document, every competency crawled). A job imports one framework at a time, so
    /// this bounds the memory of a job's fetches.
    #[arg(
        long = "ce-max-framework-bytes",
        env = "SKILLGRAPH_CE_MAX_FRAMEWORK_BYTES",
        default_value_t = 256 * 1024 * 1024
    )]
    pub ce_max_framework_bytes: usize,
    /// Most competencies one framework may bring; a framework listing more (and so asking for
    /// more fetches) is skipped with an error before they are fetched.
    #[arg(
        long = "ce-max-competencies",
        env = "SKILLGRAPH_CE_MAX_COMPETENCIES",
        default_value_t = 50_000
    )]
    pub ce_max_competencies: usize,
    /// Competencies fetched concurrently when a framework has no @graph document.
    #[arg(
        long = "ce-fetch-concurrency",
        env = "SKILLGRAPH_CE_FETCH_CONCURRENCY",
        default_value_t = 8
    )]
    pub fetch_concurrency: usize,
    /// Rows per UNWIND batch written to the graph.
    #[arg(
        long = "write-batch-size",
        env = "SKILLGRAPH_WRITE_BATCH_SIZE",
        default_value_t = 500
    )]
    pub write_batch_size: usize,
}

#[derive(Args, Clone, Debug)]
pub struct JobConfig {
    /// Jobs run at the same time; later ones wait as `QUEUED`.
    #[arg(
        long = "job-concurrency",
        env = "SKILLGRAPH_JOB_CONCURRENCY",
        default_value_t = 2
    )]
    pub concurrency: usize,
    /// How long a claim on a job holds without renewal: a job whose process died is taken over
    /// by another process this long after its last heartbeat.
    #[arg(
        long = "job-lease-ms",
        env = "SKILLGRAPH_JOB_LEASE_MS",
        default_value_t = 15_000
    )]
    pub lease_ms: u64,
    /// How often a running job stores its progress, renews its lease and reads its cancel flag.
    #[arg(
        long = "job-heartbeat-ms",
        env = "SKILLGRAPH_JOB_HEARTBEAT_MS",
        default_value_t = 500
    )]
    pub heartbeat_ms: u64,
    /// How often an idle process looks for jobs to claim (it also looks at once on submit).
    #[arg(
        long = "job-poll-ms",
        env = "SKILLGRAPH_JOB_POLL_MS",
        default_value_t = 1000
    )]
    pub poll_ms: u64,
    /// On shutdown, how long running file loads may take to finish (imports are handed back
    /// to the queue at once).
    #[arg(
        long = "job-drain-ms",
        env = "SKILLGRAPH_JOB_DRAIN_MS",
        default_value_t = 30_000
    )]
    pub drain_ms: u64,
    /// Attempts a job may lose to its process dying (a crash, running out of memory, a kill)
    /// before it is ended as failed instead of claimed again. Jobs handed back at shutdown do
    /// not count.
    #[arg(
        long = "job-max-attempts",
        env = "SKILLGRAPH_JOB_MAX_ATTEMPTS",
        default_value_t = 3
    )]
    pub max_attempts: u32,
    /// How often this process looks for changes of a job its `jobUpdates` subscribers follow
    /// (one read per watched job, whatever the number of subscribers).
    #[arg(
        long = "job-watch-ms",
        env = "SKILLGRAPH_JOB_WATCH_MS",
        default_value_t = 250
    )]
    pub watch_ms: u64,
}

/// Who may call. Keys and secrets are parsed once at start-up (`api::auth`); only hashes of API
/// keys are kept, and `secrecy` keeps secrets out of `Debug` output and logs.
#[derive(Args, Clone, Debug)]
pub struct AuthConfig {
    /// API keys, each `name:role:key` (role: reader, editor or admin); comma-separated.
    #[arg(long = "api-key", env = "SKILLGRAPH_API_KEYS", value_delimiter = ',', value_parser = secret)]
    pub api_keys: Vec<SecretString>,
    /// Shared secret of HS256-signed JWTs (development).
    #[arg(long, env = "SKILLGRAPH_JWT_HS256_SECRET", value_parser = secret)]
    pub jwt_hs256_secret: Option<SecretString>,
    /// JWKS URL of the identity provider whose JWTs are accepted (keys cached and refreshed).
    #[arg(long, env = "SKILLGRAPH_JWT_JWKS_URL")]
    pub jwt_jwks_url: Option<String>,
    /// Required `iss` of JWTs.
    #[arg(long, env = "SKILLGRAPH_JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// Required `aud` of JWTs.
    #[arg(long, env = "SKILLGRAPH_JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,
    /// JWT claim holding the caller's role.
    #[arg(long, env = "SKILLGRAPH_JWT_ROLE_CLAIM", default_value = "role")]
    pub jwt_role_claim: String,
    /// Role of callers without credentials. Without any credentials configured the service
    /// is open (admin) on a loopback bind only; elsewhere this must be given.
    #[arg(long, env = "SKILLGRAPH_ALLOW_ANONYMOUS")]
    pub allow_anonymous: Option<String>,
    /// Origins whose web pages may call the service (CORS, and WebSocket upgrades), e.g.
    /// `https://app.example.com`; comma-separated. Same-origin pages need no entry.
    #[arg(
        long = "cors-origin",
        env = "SKILLGRAPH_CORS_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,
    /// Host names (with or without port) the service answers to besides loopback ones, when no
    /// credentials are configured (e.g. `devbox.internal`); comma-separated. Other `Host` headers
    /// are refused in that mode, against DNS rebinding.
    #[arg(
        long = "allowed-host",
        env = "SKILLGRAPH_ALLOWED_HOSTS",
        value_delimiter = ','
    )]
    pub allowed_hosts: Vec<String>,
    /// Let non-admins list and follow every job, not only their own.
    #[arg(long, env = "SKILLGRAPH_JOBS_VISIBLE_TO_ALL")]
    pub jobs_visible_to_all: bool,
}

fn secret(s: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(s.to_string()))
}

#[derive(Args, Clone, Debug)]
pub struct Config {
    /// Address the HTTP server listens on (loopback by default; see `--allow-anonymous`).
    #[arg(long, env = "SKILLGRAPH_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    #[command(flatten)]
    pub auth: AuthConfig,
    #[command(flatten)]
    pub db: DbConfig,
    #[command(flatten)]
    pub limits: Limits,
    #[command(flatten)]
    pub ingest: IngestConfig,
    #[command(flatten)]
    pub jobs: JobConfig,
    #[command(flatten)]
    pub file_load: FileLoadConfig,
    #[command(flatten)]
    pub cache: CacheConfig,
}

impl Config {
    /// Defaults for every setting, as if no flag or variable were given; handy in tests and benches.
    pub fn from_env_and_defaults() -> Self {
        use clap::{FromArgMatches, Parser};
        #[derive(Parser)]
        struct Wrapper {
            #[command(flatten)]
            config: Config,
        }
        let matches = <Wrapper as clap::CommandFactory>::command()
            .no_binary_name(true)
            .get_matches_from(Vec::<String>::new());
        Wrapper::from_arg_matches(&matches)
            .expect("defaults always parse")
            .config
    }
}

#[derive(Args, Clone, Debug)]
pub struct FileLoadConfig {
    /// S3 endpoint override, for S3-compatible stores and tests (default: AWS).
    #[arg(long = "s3-endpoint", env = "SKILLGRAPH_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    /// Region used to sign S3 requests.
    #[arg(
        long = "s3-region",
        env = "SKILLGRAPH_S3_REGION",
        default_value = "us-east-1"
    )]
    pub s3_region: String,
    /// Rows per UNWIND batch for file loads.
    #[arg(
        long = "file-load-batch-size",
        env = "SKILLGRAPH_FILE_LOAD_BATCH_SIZE",
        default_value_t = 1000
    )]
    pub batch_size: usize,
    /// Largest field a file load accepts; a row with a larger one is rejected, with its line.
    #[arg(
        long = "file-load-max-field-bytes",
        env = "SKILLGRAPH_FILE_LOAD_MAX_FIELD_BYTES",
        default_value_t = 1 << 20
    )]
    pub max_field_bytes: usize,
    /// Largest record (row) a file load accepts; larger rows are skipped as they stream past
    /// and reported, so one huge row costs no more memory than this.
    #[arg(
        long = "file-load-max-record-bytes",
        env = "SKILLGRAPH_FILE_LOAD_MAX_RECORD_BYTES",
        default_value_t = 4 << 20
    )]
    pub max_record_bytes: usize,
}

#[derive(Args, Clone, Debug)]
pub struct CacheConfig {
    /// Cache answers to identical read queries (same query, variables and caller role) until
    /// the graph's generation changes: every write batch advances it, and each replica reads it
    /// at least every `--read-cache-refresh-ms`. `false` turns the cache off.
    #[arg(
        long = "read-cache",
        env = "SKILLGRAPH_READ_CACHE",
        default_value_t = true,
        action = clap::ArgAction::Set
    )]
    pub enabled: bool,
    /// Bytes of answers the cache keeps (least recently used ones go first).
    #[arg(
        long = "read-cache-bytes",
        env = "SKILLGRAPH_READ_CACHE_BYTES",
        default_value_t = 64 << 20
    )]
    pub max_bytes: u64,
    /// Longest an answer is served, in milliseconds: bounds staleness after writes made
    /// outside the service (which do not advance the generation).
    #[arg(
        long = "read-cache-ttl-ms",
        env = "SKILLGRAPH_READ_CACHE_TTL_MS",
        default_value_t = 60_000
    )]
    pub ttl_ms: u64,
    /// How often the generation is read from the database, in milliseconds.
    #[arg(
        long = "read-cache-refresh-ms",
        env = "SKILLGRAPH_READ_CACHE_REFRESH_MS",
        default_value_t = 500
    )]
    pub refresh_ms: u64,
}
