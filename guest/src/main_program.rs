//! The main program of `jsvm run`: a script or an ES module evaluated in the
//! main realm, where `import vm from 'node:vm'` and `console` work, followed
//! by its promise jobs; a rejection nobody handled fails the run, as in Node.
//! It has no referrer record, so its imports go to the default loader
//! (`modules`): `node:vm` and the host's module root.

use std::path::Path;

use boa_engine::{
    Context, JsError, JsNativeError, JsResult, JsValue, Module, Script, Source, builtins::promise::PromiseState,
    object::builtins::JsPromise,
};

/// Runs a whole program and its jobs; returns its completion value (for a
/// module, `undefined`).
pub fn run(source: &str, filename: &str, module: bool, context: &mut Context) -> JsResult<JsValue> {
    let src = Source::from_bytes(source).with_path(Path::new(filename));
    let value = if module {
        let module = Module::parse(src, None, context)?;
        let promise = module.load_link_evaluate(context);
        context.run_jobs()?;
        settle(&promise)?;
        JsValue::undefined()
    } else {
        let value = Script::parse(src, None, context)?.evaluate(context)?;
        context.run_jobs()?;
        value
    };
    if let Some(promise) = crate::component::hooks().take_unhandled().into_iter().next()
        && let Ok(promise) = JsPromise::from_object(promise)
        && let PromiseState::Rejected(reason) = promise.state()
    {
        return Err(JsError::from_opaque(reason));
    }
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
