//! `jsvm run FILE` and `jsvm eval CODE`.

use std::path::PathBuf;
use std::process::ExitCode;

use jsvm::ProgramKind;

use super::{VmArgs, report};

/// Arguments of `jsvm run`.
#[derive(clap::Args)]
pub struct RunArgs {
    /// The program to run.
    pub file: PathBuf,
    /// Treat the file as an ES module whatever its name.
    #[arg(long, conflicts_with = "script")]
    pub module: bool,
    /// Treat the file as a classic script whatever its name.
    #[arg(long)]
    pub script: bool,
    #[command(flatten)]
    pub vm: VmArgs,
    /// Arguments after the file (accepted for Node compatibility, unused).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    pub rest: Vec<String>,
}

/// Arguments of `jsvm eval`.
#[derive(clap::Args)]
pub struct EvalArgs {
    /// The code, run as a script in the main context.
    pub code: String,
    #[command(flatten)]
    pub vm: VmArgs,
}

pub fn run(args: RunArgs) -> ExitCode {
    let source = match std::fs::read_to_string(&args.file) {
        Ok(source) => source,
        Err(e) => {
            eprintln!("jsvm: cannot read {}: {e}", args.file.display());
            return ExitCode::from(2);
        }
    };
    let filename = std::fs::canonicalize(&args.file).unwrap_or(args.file.clone());
    let filename = filename.display().to_string();
    let kind = if args.module {
        ProgramKind::Module
    } else if args.script {
        ProgramKind::Script
    } else {
        ProgramKind::for_file(&filename, &source)
    };
    let options = args.vm.run_options();
    let result = args.vm.build().and_then(|mut vm| vm.run_main_with(&source, &filename, kind, &options).map(|_| ()));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            report(&error);
            ExitCode::FAILURE
        }
    }
}

pub fn eval(args: EvalArgs) -> ExitCode {
    let result = args.vm.build().and_then(|mut vm| {
        let value = vm.run_main_with(&args.code, "[eval]", ProgramKind::Script, &args.vm.run_options())?;
        vm.display(&value)
    });
    match result {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            report(&error);
            ExitCode::FAILURE
        }
    }
}
