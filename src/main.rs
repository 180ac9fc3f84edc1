use clap::{Parser, Subcommand};
use skillgraph::config::Config;
use skillgraph::{api, graph, server};

#[derive(Parser)]
#[command(version, about = "Skill graph over Neo4j, served through GraphQL")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: Config,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default).
    Serve,
    /// Apply the graph schema (constraints, indexes) and exit.
    Migrate,
    /// Print the GraphQL SDL.
    PrintSchema,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(skillgraph::telemetry::filter("info,neo4rs=warn"))
        .init();
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::PrintSchema => print!("{}", api::sdl()),
        Command::Migrate => {
            let g = graph::Graph::connect(&cli.config.db).await?;
            let n = graph::migrate::apply(&g).await?;
            println!("applied {n} schema statements");
        }
        Command::Serve => {
            let listener = tokio::net::TcpListener::bind(cli.config.bind).await?;
            let state = server::prepare(cli.config).await?;
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
