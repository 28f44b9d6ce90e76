//! `symbiont network` (being built).

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_a: Args) -> anyhow::Result<()> {
    anyhow::bail!("`symbiont network` is not available in this build yet")
}
