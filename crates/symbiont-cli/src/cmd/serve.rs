//! `symbiont serve`: the multi-user server (see docs/server.md).

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  symbiont serve                                         SQLite in ./symbiont-data, on 127.0.0.1:8080
  symbiont serve --data-dir /srv/symbiont --bind 0.0.0.0:8080 --workers 2
  symbiont serve --database-url postgres://user:pw@localhost/symbiont")]
pub struct Args {
    /// Folder for the SQLite database and job outputs (created if missing).
    #[arg(long, default_value = "symbiont-data")]
    pub data_dir: PathBuf,
    /// Database URL: sqlite://FILE or postgres://... (default: DATA_DIR/symbiont.db).
    #[arg(long)]
    pub database_url: Option<String>,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Study jobs that may run at once.
    #[arg(long, default_value_t = 1)]
    pub workers: usize,
    /// Wall-clock seconds per scenario day, for the one window's due times.
    #[arg(long, default_value_t = 86_400.0)]
    pub day_seconds: f64,
    /// Writes per second allowed per token (sustained).
    #[arg(long, default_value_t = 20.0)]
    pub write_rate: f64,
    /// Writes allowed per token in a burst.
    #[arg(long, default_value_t = 100.0)]
    pub write_burst: f64,
}

pub fn run(a: Args) -> anyhow::Result<()> {
    anyhow::ensure!(a.workers >= 1, "--workers must be at least 1");
    anyhow::ensure!(a.day_seconds > 0.0, "--day-seconds must be > 0");
    anyhow::ensure!(
        a.write_rate > 0.0 && a.write_burst >= 1.0,
        "--write-rate must be > 0 and --write-burst >= 1"
    );
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(
            |_| tracing_subscriber::EnvFilter::new("info,tower_http=warn,sqlx=warn"),
        ))
        .with_writer(std::io::stderr)
        .init();
    let mut config = symbiont_server::Config::new(a.data_dir.clone());
    config.database_url = a.database_url.clone();
    config.workers = a.workers;
    config.day_seconds = a.day_seconds;
    config.write_rate_per_s = a.write_rate;
    config.write_burst = a.write_burst;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let running = symbiont_server::serve(config, a.bind, false)
            .await
            .with_context(|| format!("starting the server on {}", a.bind))?;
        if let Some(t) = &running.bootstrap_token {
            println!("bootstrap token (one time; creates the first admin): {t}");
            println!(
                "  curl -X POST http://{}/api/auth/bootstrap -H 'content-type: application/json' \\\n    -d '{{\"token\":\"{t}\",\"username\":\"admin\",\"password\":\"...\"}}'",
                running.addr
            );
        }
        println!("listening on http://{}", running.addr);
        use std::io::Write;
        let _ = std::io::stdout().flush();
        tokio::select! {
            r = running.handle => { r.context("the server task")?.context("serving")?; }
            _ = tokio::signal::ctrl_c() => { eprintln!("stopping"); }
        }
        anyhow::Ok(())
    })
}
