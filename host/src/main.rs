//! `jsvm`: run node:vm programs in the sandbox, evaluate code, or open a REPL.

mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The Node.js vm API in a WebAssembly sandbox.
#[derive(Parser)]
#[command(name = "jsvm", version, about)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a program file (`.mjs` or one with import/export: an ES module).
    Run(cli::run::RunArgs),
    /// Evaluate code in the main context and print the result.
    Eval(cli::run::EvalArgs),
    /// An interactive prompt.
    Repl(cli::repl::ReplArgs),
}

fn main() -> ExitCode {
    let args = Args::parse();
    match args.command {
        Command::Run(run) => cli::run::run(run),
        Command::Eval(eval) => cli::run::eval(eval),
        Command::Repl(repl) => cli::repl::repl(repl),
    }
}
