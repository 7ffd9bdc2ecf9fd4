//! The `jsvm` subcommands.

pub mod repl;
pub mod run;

use jsvm::{Error, Vm};

/// Options every subcommand shares.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct VmArgs {
    /// Cap the guest's memory, in MiB.
    #[arg(long, value_name = "MIB")]
    pub memory_limit: Option<usize>,
}

impl VmArgs {
    /// A Vm with these settings.
    pub fn build(&self) -> jsvm::Result<Vm> {
        let mut builder = Vm::builder();
        if let Some(mib) = self.memory_limit {
            builder = builder.memory_limit(mib << 20);
        }
        builder.build()
    }
}

/// Prints an error the way Node prints an uncaught one.
pub fn report(error: &Error) {
    match error {
        Error::Js(exception) => eprintln!("Uncaught {}", exception.stack),
        other => eprintln!("jsvm: {other}"),
    }
}
