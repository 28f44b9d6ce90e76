//! `symbiont report` (being built).

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_a: Args) -> anyhow::Result<()> {
    anyhow::bail!("`symbiont report` is not available in this build yet")
}
