//! The main program of `jsvm run`: a script or an ES module evaluated in the
//! main realm, where `import vm from 'node:vm'` and `console` work, followed
//! by its promise jobs; a rejection nobody handled fails the run, as in Node.
//! It has no referrer record, so its imports go to the default loader
//! (`modules`): `node:vm` and the host's module root. A failure is reported
//! as Node reports an uncaught exception (`js/uncaught.js`).

use std::path::Path;

use boa_engine::{
    Context, JsData, JsError, JsNativeError, JsResult, JsString, JsValue, Module, Script, Source,
    builtins::promise::PromiseState, object::builtins::JsPromise,
};
use boa_gc::{Finalize, Trace};

use crate::exports::jsvm::vm::vm::Program;
use crate::{bootstrap, modules, source};

/// The `[[HostDefined]]` of a main script: its id in the module root, which
/// its relative `import()`s resolve against.
#[derive(Trace, Finalize, JsData)]
pub struct ProgramId(pub String);

/// Runs a whole program and its jobs; returns its completion value (for a
/// module, `undefined`). The error is Node's report of it when it has one.
pub fn run(program: &Program, context: &mut Context) -> Result<JsValue, (JsError, Option<String>)> {
    let checked = match program.module {
        true => source::check_module(&program.source),
        false => source::check_script(&program.source),
    };
    if let Err(problem) = checked {
        let report = call_report(
            "syntaxReport",
            &[
                JsString::from(problem.message.as_str()).into(),
                problem.line.into(),
                problem.column.into(),
                JsString::from(program.filename.as_str()).into(),
                JsString::from(program.source.as_str()).into(),
            ],
            context,
        );
        let error = JsNativeError::syntax().with_message(problem.message).into();
        return Err((error, report));
    }
    let value = evaluate(program, context).map_err(|error| {
        let report = report(&error, program, false, context);
        (error, report)
    })?;
    if let Some(promise) = crate::component::hooks().take_unhandled().into_iter().next()
        && let Ok(promise) = JsPromise::from_object(promise)
        && let PromiseState::Rejected(reason) = promise.state()
    {
        let error = JsError::from_opaque(reason);
        let report = report(&error, program, true, context);
        return Err((error, report));
    }
    Ok(value)
}

fn evaluate(program: &Program, context: &mut Context) -> JsResult<JsValue> {
    call_report("mainProgramRuns", &[], context);
    let src = Source::from_bytes(program.source.as_str()).with_path(Path::new(&program.filename));
    let value = if program.module {
        let module = Module::parse(src, None, context)?;
        // Importers of the program's own id (a cycle back to the entry)
        // must get this record, not a second copy of the module.
        if let Some(id) = &program.id {
            modules::register_default(id, &module);
        }
        let promise = module.load_link_evaluate(context);
        context.run_jobs()?;
        settle(&promise)?;
        JsValue::undefined()
    } else {
        call_report("setMainScript", &[JsString::from(program.filename.as_str()).into()], context);
        let mut defined: boa_engine::HostDefined = boa_engine::HostDefined::default();
        if let Some(id) = &program.id {
            defined.insert(ProgramId(id.clone()));
        }
        let value = Script::parse_with_host_defined(src, None, defined, context)?.evaluate(context)?;
        context.run_jobs()?;
        value
    };
    Ok(value)
}

/// The outcome of a module's evaluation promise once jobs have run.
fn settle(promise: &JsPromise) -> JsResult<()> {
    match promise.state() {
        PromiseState::Fulfilled(_) => Ok(()),
        PromiseState::Rejected(reason) => Err(JsError::from_opaque(reason)),
        PromiseState::Pending => Err(JsNativeError::error()
            .with_message("the module's top-level await never settled")
            .into()),
    }
}

/// Node's report of `error` ending the program (`rejection`: a promise
/// rejection nobody handled); `None` for the engine's own failures (a stop,
/// a runtime limit), which have no JavaScript value.
fn report(error: &JsError, program: &Program, rejection: bool, context: &mut Context) -> Option<String> {
    if error.as_engine().is_some() {
        return None;
    }
    let site: JsValue = match error.throw_site() {
        Some((path, line, column)) => boa_engine::object::builtins::JsArray::from_iter(
            [JsString::from(path.as_str()).into(), line.into(), column.into()],
            context,
        )
        .into(),
        None => JsValue::undefined(),
    };
    let thrown = error.clone().into_opaque(context).ok()?;
    call_report(
        "uncaughtReport",
        &[
            thrown,
            site,
            JsString::from(program.filename.as_str()).into(),
            JsString::from(program.source.as_str()).into(),
            program.module.into(),
            rejection.into(),
        ],
        context,
    )
}

/// Calls a function of the bootstrap's `program` helpers; a report that
/// fails is none.
fn call_report(name: &str, args: &[JsValue], context: &mut Context) -> Option<String> {
    let function = bootstrap::get().program.get(JsString::from(name), context).ok()?;
    let text = function.as_callable()?.call(&JsValue::undefined(), args, context).ok()?;
    text.as_string().map(|s| s.to_std_string_lossy())
}
