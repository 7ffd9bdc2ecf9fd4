//! `jsvm repl`: line editing and history (rustyline), results printed as
//! Node's REPL prints them, multi-line input while a statement is open.

use std::process::ExitCode;

use jsvm::{Error, ProgramKind, RunOptions, Vm};
use rustyline::DefaultEditor;
use rustyline::error::ReadlineError;

use super::{VmArgs, report, report_at_prompt};

/// Arguments of `jsvm repl`.
#[derive(clap::Args)]
pub struct ReplArgs {
    #[command(flatten)]
    pub vm: VmArgs,
}

/// Whether an error means "the input stops in the middle": keep reading.
fn is_incomplete(error: &Error) -> bool {
    error
        .as_js()
        .is_some_and(|e| e.name == "SyntaxError" && (e.message.contains("abrupt end") || e.message.contains("end of input")))
}

fn history_path() -> Option<std::path::PathBuf> {
    std::env::var_os("HOME").map(|home| std::path::PathBuf::from(home).join(".jsvm_repl_history"))
}

pub fn repl(args: ReplArgs) -> ExitCode {
    let mut vm: Vm = match args.vm.build() {
        Ok(vm) => vm,
        Err(error) => {
            report(&error);
            return ExitCode::FAILURE;
        }
    };
    let mut editor = match DefaultEditor::new() {
        Ok(editor) => editor,
        Err(e) => {
            eprintln!("jsvm: cannot start the line editor: {e}");
            return ExitCode::FAILURE;
        }
    };
    let history = history_path();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    let mut buffer = String::new();
    let mut interrupted_once = false;
    loop {
        let prompt = if buffer.is_empty() { "> " } else { "... " };
        match editor.readline(prompt) {
            Ok(line) => {
                interrupted_once = false;
                if buffer.is_empty() && line.trim() == ".exit" {
                    break;
                }
                buffer.push_str(&line);
                buffer.push('\n');
                if buffer.trim().is_empty() {
                    buffer.clear();
                    continue;
                }
                // Like Node's REPL, Ctrl-C during a running line stops it
                // and the prompt comes back (breakOnSigint for the line).
                let options = RunOptions { break_on_sigint: true, ..args.vm.run_options() };
                match vm.run_main_with(&buffer, "REPL", ProgramKind::Script, &options) {
                    Err(error) if is_incomplete(&error) => continue,
                    Ok(value) => match vm.display(&value) {
                        Ok(text) => println!("{text}"),
                        Err(error) => report_at_prompt(&mut vm, &error),
                    },
                    Err(error) => report_at_prompt(&mut vm, &error),
                }
                let _ = editor.add_history_entry(buffer.trim_end());
                buffer.clear();
            }
            Err(ReadlineError::Interrupted) => {
                // Like Node: Ctrl-C drops a partial entry; on an empty
                // prompt it warns once, and a second Ctrl-C exits.
                if !buffer.is_empty() {
                    buffer.clear();
                    interrupted_once = false;
                } else if interrupted_once {
                    break;
                } else {
                    println!("(To exit, press Ctrl+C again or Ctrl+D or type .exit)");
                    interrupted_once = true;
                }
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("jsvm: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if let Some(path) = &history {
        let _ = editor.save_history(path);
    }
    ExitCode::SUCCESS
}
