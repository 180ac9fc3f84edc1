use clap::{Args, Parser, Subcommand};
use skillgraph::config::{Config, DbConfig};
use skillgraph::telemetry::{self, LogFormat};
use skillgraph::{api, graph, server};

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
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default).
    Serve(Box<ServeArgs>),
    /// Apply the graph schema (constraints, indexes) and exit.
    Migrate(MigrateArgs),
    /// Print the GraphQL SDL.
    PrintSchema,
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

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    telemetry::init_logs(cli.log_format);
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
        Command::Serve(args) => {
            let config = args.config;
            let listener = tokio::net::TcpListener::bind(config.bind).await?;
            let state = server::prepare(config).await?;
            server::serve(state, listener, shutdown_signal()).await?;
        }
    }
    Ok(())
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
