//! Thin entry point: parse the command line and hand over to the library.
use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    skillgraph::telemetry::init();
    let cli = skillgraph::cli::Cli::parse();
    match skillgraph::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.detail());
            std::process::ExitCode::FAILURE
        }
    }
}
