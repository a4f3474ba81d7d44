//! Thin entry point: parse the command line and hand over to the library.
use clap::Parser;

/// mimalloc rather than glibc malloc: Q1 spends a quarter of its CPU in malloc/free, and glibc
/// kept the memory of a load spike (193 MiB three seconds after) where mimalloc returned it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
