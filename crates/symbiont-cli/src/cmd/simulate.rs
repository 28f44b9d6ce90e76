//! `symbiont simulate` (being built).

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_a: Args) -> anyhow::Result<()> {
    anyhow::bail!("`symbiont simulate` is not available in this build yet")
}
