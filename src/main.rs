use clap::{Args, Parser, Subcommand};
use skillgraph::client::{self, Client, ClientArgs};
use skillgraph::config::{Config, DbConfig};
use skillgraph::telemetry::{self, LogFormat};
use skillgraph::{api, graph, server};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(version, about = "Skill graph over Neo4j, served through GraphQL")]
struct Cli {
    /// What to do; `serve` when omitted (configured from the environment).
    #[command(subcommand)]
    command: Option<Command>,
    /// Log lines as text (coloured on a terminal) or JSON, on stderr.
    #[arg(
        long,
        global = true,
        env = "SKILLGRAPH_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    log_format: LogFormat,
    /// Export traces over OTLP/HTTP to this URL (e.g. http://collector:4318/v1/traces); needs
    /// a build with the `otlp` feature.
    #[arg(long, global = true, env = "SKILLGRAPH_OTLP_ENDPOINT")]
    otlp_endpoint: Option<String>,
    /// Threads that run requests and jobs (default: one per core). The service mostly waits on
    /// the database: at low load each extra thread costs CPU in waking and parking
    /// (docs/operations.md).
    #[arg(long, global = true, env = "SKILLGRAPH_WORKER_THREADS", value_parser = clap::value_parser!(u16).range(1..))]
    worker_threads: Option<u16>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default).
    Serve(Box<ServeArgs>),
    /// Apply the graph schema (constraints, indexes) and exit.
    Migrate(MigrateArgs),
    /// Print the GraphQL SDL.
    PrintSchema,
    /// Start an import on a running service and follow it to its end.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
    /// Start a file load on a running service (AWS credentials from the standard environment
    /// variables or a profile) and follow it to its end.
    Load(LoadArgs),
    /// List a running service's recent jobs.
    Jobs {
        #[command(flatten)]
        client: ClientArgs,
        /// How many, newest first.
        #[arg(long, default_value_t = 20)]
        first: i32,
    },
}

#[derive(Subcommand)]
enum ImportSource {
    /// Credential Engine Registry competency frameworks, by URI.
    CredentialEngine {
        #[command(flatten)]
        client: ClientArgs,
        #[arg(required = true)]
        uris: Vec<String>,
    },
}

#[derive(Args)]
struct LoadArgs {
    #[command(flatten)]
    client: ClientArgs,
    /// `s3://bucket/key.csv`
    uri: String,
    /// The kind of skill event the file holds.
    #[arg(long, default_value = "learning")]
    entity_type: String,
    /// AWS profile to read the credentials from (else the environment variables, then
    /// `AWS_PROFILE` or `default`).
    #[arg(long)]
    profile: Option<String>,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    config: Config,
}

#[derive(Args)]
struct MigrateArgs {
    #[command(flatten)]
    db: DbConfig,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = cli.worker_threads {
        runtime.worker_threads(n.into());
    }
    match runtime.enable_all().build() {
        Ok(runtime) => runtime.block_on(start(cli)),
        Err(e) => {
            eprintln!("skillgraph: error: starting the runtime: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn start(cli: Cli) -> std::process::ExitCode {
    let _telemetry = match telemetry::init_logs(cli.log_format, cli.otlp_endpoint.as_deref()) {
        Ok(guard) => guard,
        Err(e) => {
            eprintln!("skillgraph: error: {e:#}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One line, causes included: what an operator needs, without a backtrace.
            eprintln!("skillgraph: error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let command = cli.command.unwrap_or_else(|| {
        Command::Serve(Box::new(ServeArgs {
            config: Config::from_env_and_defaults(),
        }))
    });
    match command {
        Command::PrintSchema => print!("{}", api::sdl()),
        Command::Migrate(args) => {
            let g = graph::Graph::connect_patiently(&args.db).await?;
            let n = graph::migrate::apply(&g).await?;
            println!("applied {n} schema statements");
        }
        Command::Import {
            source: ImportSource::CredentialEngine { client, uris },
        } => {
            let client = Client::new(client);
            let job = client.import_credential_engine(&uris).await?;
            finish(client.follow_job(&job).await?)?;
        }
        Command::Load(args) => {
            let credentials = client::aws_credentials(args.profile.as_deref()).await?;
            let client = Client::new(args.client);
            let job = client
                .load(&args.uri, &args.entity_type, credentials)
                .await?;
            finish(client.follow_job(&job).await?)?;
        }
        Command::Jobs { client, first } => {
            client::print_jobs(&Client::new(client).jobs(first).await?)
        }
        Command::Serve(args) => {
            let config = args.config;
            let listener = tokio::net::TcpListener::bind(config.bind).await?;
            let state = server::prepare(config).await?;
            server::serve(state, listener, shutdown_signal()).await?;
        }
    }
    Ok(())
}

/// A job that did not succeed makes the command fail (its errors are already shown).
fn finish(succeeded: bool) -> anyhow::Result<()> {
    if succeeded {
        Ok(())
    } else {
        anyhow::bail!("the job did not succeed")
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn each_subcommand_takes_the_options_that_apply_to_it() {
        let cli = Cli::try_parse_from([
            "skillgraph",
            "serve",
            "--bind",
            "127.0.0.1:9999",
            "--neo4j-uri",
            "neo4j://db:7687",
            "--job-concurrency",
            "3",
        ])
        .unwrap();
        let Some(Command::Serve(args)) = cli.command else {
            panic!("not serve");
        };
        let config = args.config;
        assert_eq!(config.bind.to_string(), "127.0.0.1:9999");
        assert_eq!(config.db.uri, "neo4j://db:7687");
        assert_eq!(config.jobs.concurrency, 3);

        let cli = Cli::try_parse_from(["skillgraph", "migrate", "--neo4j-database", "x"]).unwrap();
        let Some(Command::Migrate(MigrateArgs { db })) = cli.command else {
            panic!("not migrate");
        };
        assert_eq!(db.database, "x");
        // migrate has no server options, and says so.
        assert!(Cli::try_parse_from(["skillgraph", "migrate", "--bind", "0.0.0.0:1"]).is_err());

        let mut cmd = Cli::command();
        let serve_help = cmd
            .find_subcommand_mut("serve")
            .unwrap()
            .render_long_help()
            .to_string();
        assert!(serve_help.contains("--bind") && serve_help.contains("--job-lease-ms"));
    }
}
