use clap::Parser;

/// Door-to-door resident satisfaction surveys.
#[derive(Parser)]
#[command(name = "doorstep", version)]
struct Cli {}

fn main() {
    let _cli = Cli::parse();
}
