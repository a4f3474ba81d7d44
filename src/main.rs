//! Thin entry point: parse the command line and hand over to the library.
use clap::Parser;

/// mimalloc rather than glibc malloc: Q1 spends a quarter of its CPU in malloc/free, and glibc
/// kept the memory of a load spike (193 MiB three seconds after) where mimalloc returned it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Before the runtime's threads allocate: mimalloc advises its arenas MADV_HUGEPAGE, and with
    // transparent huge pages every touched 2 MiB of an arena stays resident (idle RSS 34.6 →
    // 22.5 MiB without them, and a load spike's memory can be given back page by page).
    #[cfg(target_os = "linux")]
    let thp = nix::sys::prctl::set_thp_disable(true);
    skillgraph::telemetry::init();
    #[cfg(target_os = "linux")]
    if let Err(e) = thp {
        tracing::debug!(error = %e, "cannot turn transparent huge pages off");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let cli = skillgraph::cli::Cli::parse();
    match runtime.block_on(skillgraph::cli::run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.detail());
            std::process::ExitCode::FAILURE
        }
    }
}
