//! The `jsvm` subcommands.

pub mod repl;
pub mod run;

use std::time::Duration;

use jsvm::{Error, RunOptions, Vm, VmBuilder};

/// Options every subcommand shares.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct VmArgs {
    /// Cap the guest's memory, in MiB.
    #[arg(long, value_name = "MIB")]
    pub memory_limit: Option<usize>,
    /// Stop the whole program after this many milliseconds.
    #[arg(long, value_name = "MS")]
    pub timeout: Option<u64>,
    /// Measure timeouts with the wall clock instead of fuel (faster).
    #[arg(long)]
    pub wall_clock: bool,
}

impl VmArgs {
    /// A Vm builder with these settings.
    pub fn builder(&self) -> VmBuilder {
        let mut builder = Vm::builder().fuel(!self.wall_clock);
        if let Some(mib) = self.memory_limit {
            builder = builder.memory_limit(mib << 20);
        }
        builder
    }

    /// A Vm with these settings whose imports (`import()` of files) read
    /// from the current directory, as Node's would.
    pub fn build(&self) -> jsvm::Result<Vm> {
        let builder = self.builder();
        match std::env::current_dir() {
            Ok(dir) => builder.module_root(dir).build(),
            Err(_) => builder.build(),
        }
    }

    /// The limits of a whole program run.
    pub fn run_options(&self) -> RunOptions {
        RunOptions { timeout: self.timeout.map(Duration::from_millis), ..RunOptions::default() }
    }
}

/// Prints what ended a program the way Node prints an uncaught exception
/// (the guest's report of a main program's failure is its `stack`).
pub fn report(error: &Error) {
    match error {
        Error::Js(exception) => eprintln!("{}", exception.stack),
        other => eprintln!("jsvm: {other}"),
    }
}

/// Prints an error at the REPL's prompt, as Node's REPL does: `Uncaught `
/// and the value inspected.
pub fn report_at_prompt(vm: &mut Vm, error: &Error) {
    let Error::Js(exception) = error else { return report(error) };
    if exception.name == "SyntaxError" {
        return eprintln!("Uncaught SyntaxError: {}", exception.message);
    }
    match vm.display(&exception.value) {
        Ok(text) => eprintln!("Uncaught {text}"),
        Err(_) => eprintln!("Uncaught {}: {}", exception.name, exception.message),
    }
}
