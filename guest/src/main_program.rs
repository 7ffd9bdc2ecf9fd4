//! The main program of `jsvm run`: a script or an ES module evaluated in the
//! main realm, where `import vm from 'node:vm'` and `console` work, followed
//! by its promise jobs; a rejection nobody handled fails the run, as in Node.

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

use boa_engine::{
    Context, JsError, JsNativeError, JsResult, JsString, JsValue, Module, Script, Source,
    builtins::promise::PromiseState,
    module::{ModuleLoader, Referrer, SyntheticModuleInitializer},
    object::builtins::JsPromise,
};

use crate::bootstrap;

/// Resolves `node:vm` (and `vm`) to the bootstrap's module; nothing else
/// yet: reading modules from a directory is the host loader's job.
pub struct Loader;

thread_local! {
    static VM_MODULE: RefCell<Option<Module>> = const { RefCell::new(None) };
}

/// The `node:vm` module: a default export plus every named export.
fn vm_module(context: &mut Context) -> JsResult<Module> {
    if let Some(module) = VM_MODULE.with_borrow(Clone::clone) {
        return Ok(module);
    }
    let vm = bootstrap::get().vm;
    let mut names = vec![JsString::from("default")];
    for key in vm.own_property_keys(context)? {
        if let boa_engine::property::PropertyKey::String(name) = key {
            names.push(name);
        }
    }
    let module = Module::synthetic(
        &names,
        SyntheticModuleInitializer::from_copy_closure(|module, context| {
            let vm = bootstrap::get().vm;
            module.set_export(&JsString::from("default"), vm.clone().into())?;
            for key in vm.own_property_keys(context)? {
                if let boa_engine::property::PropertyKey::String(name) = key {
                    let value = vm.get(name.clone(), context)?;
                    module.set_export(&name, value)?;
                }
            }
            Ok(())
        }),
        None,
        None,
        context,
    );
    VM_MODULE.with_borrow_mut(|m| *m = Some(module.clone()));
    Ok(module)
}

impl ModuleLoader for Loader {
    async fn load_imported_module(
        self: Rc<Self>,
        _referrer: Referrer,
        request: boa_engine::module::ModuleRequest,
        context: &RefCell<&mut Context>,
    ) -> JsResult<Module> {
        let specifier = request.specifier().to_std_string_lossy();
        match specifier.as_str() {
            "node:vm" | "vm" => vm_module(&mut context.borrow_mut()),
            _ => Err(JsNativeError::error()
                .with_message(format!("Cannot find module '{specifier}'"))
                .into()),
        }
    }
}

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
