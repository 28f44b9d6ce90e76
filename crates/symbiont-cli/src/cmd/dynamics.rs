//! `symbiont dynamics` (being built).

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Placeholder while the subcommand is built.
    Fit,
}

pub fn run(_c: Command) -> anyhow::Result<()> {
    anyhow::bail!("`symbiont dynamics` is not available in this build yet")
}
