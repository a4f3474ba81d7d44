//! Thin entry point: parse the command line and hand over to the library.
use clap::Parser;

/// jemalloc rather than glibc malloc (Q1 spends a quarter of its CPU in malloc/free) or mimalloc
/// (which kept a load spike's memory in the heaps of threads that went idle): its background
/// thread gives freed pages back to the system `dirty_decay_ms` after (README "Round 6 of
/// issue #9: memory"). It serves SQLite's C allocations too (Cargo.toml).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    // Before the runtime's threads allocate: where transparent huge pages are on for every
    // mapping (`always`), each touched 2 MiB of an allocator's arena stays resident and a spike's
    // memory cannot be given back page by page (with mimalloc, which advised its arenas
    // MADV_HUGEPAGE: idle RSS 34.6 → 22.5 MiB without them).
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
