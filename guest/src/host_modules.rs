//! The WIT module calls: a host builds module graphs from its own sources
//! (create, an explicit link step, evaluate) or imports through the
//! default loader. Modules are the same `vm.SourceTextModule` objects the
//! in-guest API makes, so one implementation serves both.

use boa_engine::{
    Context, JsError, JsNativeError, JsObject, JsResult, JsString, JsValue, builtins::promise::PromiseState,
    module::ModuleRequest, object::builtins::{JsArray, JsPromise},
};

use crate::exports::jsvm::vm::vm::{ModuleLink, ModuleOptions};
use crate::jsvm::vm::types::Value;
use crate::{bootstrap, modules, values};

fn hook(name: &str, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let function = bootstrap::get().module_hooks.get(JsString::from(name), context)?;
    let function = function.as_callable().ok_or_else(|| JsNativeError::typ().with_message("jsvm: missing module hook"))?;
    function.call(&JsValue::undefined(), args, context)
}

/// Runs the jobs queued so far, then reads how `promise` settled.
fn settle(promise: &JsValue, context: &mut Context) -> JsResult<JsValue> {
    context.run_jobs()?;
    let promise = promise
        .as_object()
        .and_then(|o| JsPromise::from_object(o).ok())
        .ok_or_else(|| JsNativeError::typ().with_message("jsvm: expected a promise"))?;
    match promise.state() {
        PromiseState::Fulfilled(value) => Ok(value),
        PromiseState::Rejected(reason) => Err(JsError::from_opaque(reason)),
        PromiseState::Pending => Err(JsNativeError::error()
            .with_message("the module's evaluation is waiting for a promise that never settled")
            .into()),
    }
}

/// `create-module`: `new vm.SourceTextModule(source, options)`.
pub fn create(source: &str, context_object: Option<JsObject>, options: ModuleOptions, context: &mut Context) -> JsResult<Value> {
    let vm = bootstrap::get().vm;
    let constructor = vm.get(JsString::from("SourceTextModule"), context)?;
    let constructor = constructor
        .as_constructor()
        .ok_or_else(|| JsNativeError::typ().with_message("jsvm: SourceTextModule is not a constructor"))?;
    let settings = JsObject::with_object_proto(context.intrinsics());
    if let Some(identifier) = options.identifier {
        settings.set(JsString::from("identifier"), JsString::from(identifier.as_str()), true, context)?;
    }
    if let Some(object) = context_object {
        settings.set(JsString::from("context"), object, true, context)?;
    }
    settings.set(JsString::from("lineOffset"), options.line_offset, true, context)?;
    settings.set(JsString::from("columnOffset"), options.column_offset, true, context)?;
    let module = constructor.construct(&[JsString::from(source).into(), settings.into()], None, context)?;
    Ok(values::to_wit(&module.into(), context))
}

/// `link-module`: links `module` with the host's answers.
pub fn link(module: Value, links: Vec<ModuleLink>, context: &mut Context) -> JsResult<()> {
    let module = values::from_wit(module, context)?;
    let mut list = Vec::with_capacity(links.len());
    for link in links {
        let entry = [
            values::from_wit(link.referrer, context)?,
            JsString::from(link.specifier.as_str()).into(),
            values::from_wit(link.target, context)?,
        ];
        list.push(JsArray::from_iter(entry, context).into());
    }
    let list = JsArray::from_iter(list, context);
    let promise = hook("linkFromList", &[module, list.into()], context)?;
    settle(&promise, context).map(drop)
}

/// `evaluate-module`: evaluates `module`; its namespace once settled.
pub fn evaluate(module: Value, context: &mut Context) -> JsResult<Value> {
    let module = values::from_wit(module, context)?;
    let object = module.as_object().ok_or_else(|| JsNativeError::typ().with_message("jsvm: expected a module"))?;
    let evaluate = object.get(JsString::from("evaluate"), context)?;
    let evaluate = evaluate.as_callable().ok_or_else(|| JsNativeError::typ().with_message("jsvm: expected a module"))?;
    let promise = evaluate.call(&module, &[], context)?;
    settle(&promise, context)?;
    let namespace = object.get(JsString::from("namespace"), context)?;
    Ok(values::to_wit(&namespace, context))
}

/// `import-module`: loads, links and evaluates `specifier` through the
/// default loader; its namespace.
pub fn import(specifier: &str, context: &mut Context) -> JsResult<Value> {
    let request = ModuleRequest::from_specifier(JsString::from(specifier));
    let module = modules::default_load(None, &request, context)?;
    let promise = module.load_link_evaluate(context);
    settle(&promise.into(), context)?;
    Ok(values::to_wit(&module.namespace(context).into(), context))
}
