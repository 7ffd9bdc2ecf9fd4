//! `jsvm run FILE` and `jsvm eval CODE`.

use std::io::Write;
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
    /// The directory the program's imports are read from (nothing outside
    /// it is readable). Default: the file's own directory.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
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
    let path = std::fs::canonicalize(&args.file).unwrap_or(args.file.clone());
    let kind = if args.module {
        ProgramKind::Module
    } else if args.script {
        ProgramKind::Script
    } else {
        ProgramKind::for_file(&path.display().to_string(), &source)
    };
    let root = match &args.root {
        Some(root) => std::fs::canonicalize(root).unwrap_or(root.clone()),
        None => path.parent().map(PathBuf::from).unwrap_or_else(|| PathBuf::from(".")),
    };
    // A module is named by its id inside the root, so that its relative
    // imports resolve there; a script keeps its host path.
    let filename = match (kind, path.strip_prefix(&root)) {
        (ProgramKind::Module, Ok(inside)) => format!("/{}", inside.display()),
        (ProgramKind::Module, Err(_)) => {
            eprintln!("jsvm: {} is outside the module root {}", path.display(), root.display());
            return ExitCode::from(2);
        }
        (ProgramKind::Script, _) => path.display().to_string(),
    };
    let options = args.vm.run_options();
    let result = args
        .vm
        .builder()
        .module_root(root)
        .build()
        .and_then(|mut vm| vm.run_main_with(&source, &filename, kind, &options).map(|_| ()));
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
            // A closed stdout (`| head`) is not an error worth a panic.
            let _ = writeln!(std::io::stdout(), "{text}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            report(&error);
            ExitCode::FAILURE
        }
    }
}
