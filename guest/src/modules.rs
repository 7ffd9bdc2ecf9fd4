//! ES modules: the engine primitives behind `vm.SourceTextModule` and
//! `vm.SyntheticModule` (`js/modules.js`), and the one [`Loader`] every
//! import goes through.
//!
//! Who answers an import depends on its referrer's `[[HostDefined]]`
//! record, a JavaScript object ([`ReferrerRecord`]) that `js/` attaches
//! when it compiles a script, function or module or creates a context:
//! - a static import of a `vm` module: the module the `link()` step
//!   recorded for that request (JavaScript runs the linker, Node-style,
//!   before the engine loads the graph);
//! - a dynamic `import()`: the referrer's `importModuleDynamically`, which
//!   may return a promise (awaited here);
//! - no record (the main program and the modules it loads), or
//!   `USE_MAIN_CONTEXT_DEFAULT_LOADER`: the default loader, which serves
//!   `node:vm` and asks the host to read files from its module root.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use boa_engine::{
    Context, HostDefined, JsArgs, JsData, JsError, JsNativeError, JsObject, JsResult, JsString, JsValue, Module,
    Source, js_string,
    builtins::promise::PromiseState,
    module::{ModuleLoader, ModuleRequest, Referrer, SyntheticModuleInitializer},
    object::builtins::{JsArray, JsFunction, JsPromise},
    property::PropertyKey,
    realm::Realm,
};
use boa_gc::{Finalize, Trace};

use crate::jsvm::vm::host;
use crate::natives::{in_realm, realm_arg};
use crate::{bootstrap, errors, jobs, limits, source};

/// A module record held by JavaScript.
#[derive(Trace, Finalize, JsData)]
pub struct ModuleBox(pub Module);

/// The JavaScript record of whatever can import (a script, a function, a
/// module or a context), kept in its `[[HostDefined]]` slot.
#[derive(Trace, Finalize, JsData)]
pub struct ReferrerRecord(pub JsObject);

/// A `[[HostDefined]]` slot holding `record`, if it is an object.
pub fn host_defined(record: &JsValue) -> HostDefined {
    let mut defined: HostDefined = HostDefined::default();
    if let Some(object) = record.as_object() {
        defined.insert(ReferrerRecord(object));
    }
    defined
}

thread_local! {
    static MAIN_REALM: RefCell<Option<Realm>> = const { RefCell::new(None) };
    /// Modules of the default loader by id (and `#json` for JSON ones).
    static LOADED: RefCell<HashMap<String, Module>> = RefCell::new(HashMap::new());
}

/// Remembers the main realm, where the default loader's modules live.
pub fn install(context: &mut Context) {
    MAIN_REALM.with_borrow_mut(|r| *r = Some(context.realm().clone()));
}

fn module_arg(value: &JsValue) -> JsResult<Module> {
    value
        .as_object()
        .and_then(|o| o.downcast_ref::<ModuleBox>().map(|m| m.0.clone()))
        .ok_or_else(|| JsNativeError::typ().with_message("jsvm: expected a module").into())
}

fn boxed(module: Module) -> JsValue {
    JsObject::from_proto_and_data(None, ModuleBox(module)).into()
}

/// The natives `js/modules.js` is built on.
pub const NATIVES: [(&str, usize, fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>); 10] = [
    ("moduleParse", 6, parse),
    ("moduleSynthetic", 5, synthetic),
    ("moduleRequests", 1, requests),
    ("moduleStatus", 1, status),
    ("moduleError", 1, error),
    ("moduleLink", 1, link),
    ("moduleEvaluate", 5, evaluate),
    ("moduleNamespace", 1, namespace),
    ("moduleSetExport", 3, set_export),
    ("moduleSameRealm", 2, same_realm),
];

/// `moduleParse(realm, code, identifier, lineOffset, columnOffset, record)` → module.
fn parse(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let realm = realm_arg(args.get_or_undefined(0))?;
    let code = args.get_or_undefined(1).to_string(context)?.to_std_string_lossy();
    let identifier = args.get_or_undefined(2).to_string(context)?.to_std_string_lossy();
    let line_offset = args.get_or_undefined(3).to_i32(context)?;
    let column_offset = args.get_or_undefined(4).to_i32(context)?;
    let padded = source::pad(&code, line_offset, column_offset);
    let defined = host_defined(args.get_or_undefined(5));
    let module = in_realm(&realm, context, |context| {
        let src = Source::from_bytes(&padded).with_path(Path::new(&identifier));
        Module::parse_with_host_defined(src, Some(realm.clone()), defined, context)
    })?;
    Ok(boxed(module))
}

/// `moduleSynthetic(realm, exportNames, steps, thisValue, identifier)` → module.
///
/// Evaluating it calls `steps` with `thisValue` (the `SyntheticModule`).
fn synthetic(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let realm = realm_arg(args.get_or_undefined(0))?;
    let names = string_list(args.get_or_undefined(1), context)?;
    let steps = args
        .get_or_undefined(2)
        .as_object()
        .and_then(JsFunction::from_object)
        .ok_or_else(|| JsNativeError::typ().with_message("jsvm: synthetic steps must be a function"))?;
    let this = args.get_or_undefined(3).clone();
    let identifier = args.get_or_undefined(4).to_string(context)?.to_std_string_lossy();
    let initializer = SyntheticModuleInitializer::from_copy_closure_with_captures(
        |_, (steps, this), context| steps.call(this, &[], context).map(drop),
        (steps, this),
    );
    let module = Module::synthetic(&names, initializer, Some(identifier.into()), Some(realm), context);
    Ok(boxed(module))
}

fn string_list(value: &JsValue, context: &mut Context) -> JsResult<Vec<JsString>> {
    crate::natives::elements(value, context)?.iter().map(|v| v.to_string(context)).collect()
}

/// `moduleRequests(module)` → `[[specifier, attributes], ...]`: the static
/// requests in source order, without duplicates.
fn requests(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let module = module_arg(args.get_or_undefined(0))?;
    let mut list = Vec::new();
    for request in module.requests() {
        let attributes = attributes_object(&request, context)?;
        list.push(JsArray::from_iter([request.specifier().clone().into(), attributes.into()], context).into());
    }
    Ok(JsArray::from_iter(list, context).into())
}

/// A request's import attributes as an object with a null prototype, as
/// Node hands them to `importModuleDynamically` and linkers.
fn attributes_object(request: &ModuleRequest, context: &mut Context) -> JsResult<JsObject> {
    let object = JsObject::with_null_proto();
    for attribute in request.attributes() {
        object.set(attribute.key().clone(), attribute.value().clone(), true, context)?;
    }
    Ok(object)
}

/// `moduleStatus(module)` → Node's status name.
fn status(_: &JsValue, args: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    Ok(js_string!(module_arg(args.get_or_undefined(0))?.status_name()).into())
}

/// `moduleError(module)` → the error its evaluation threw, or undefined.
fn error(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let module = module_arg(args.get_or_undefined(0))?;
    match module.evaluation_error() {
        Some(error) => error.into_opaque(context),
        None => Ok(JsValue::undefined()),
    }
}

/// `moduleLink(module)`: loads the graph (every request answered from the
/// `link()` records) and links it; throws the link error.
fn link(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let module = module_arg(args.get_or_undefined(0))?;
    let mark = jobs::loads_mark(context);
    let promise = module.load(context);
    jobs::finish_loads(mark, context)?;
    match promise.state() {
        PromiseState::Fulfilled(_) => {}
        PromiseState::Rejected(reason) => return Err(JsError::from_opaque(reason)),
        PromiseState::Pending => {
            return Err(JsNativeError::error().with_message("jsvm: module loading did not complete").into());
        }
    }
    module.link(context)?;
    Ok(JsValue::undefined())
}

/// `moduleEvaluate(module, realm, timeout, breakOnSigint, afterEvaluate)` →
/// the evaluation promise. The limits cover the synchronous part of the
/// evaluation and, with `afterEvaluate`, the context's jobs.
fn evaluate(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let module = module_arg(args.get_or_undefined(0))?;
    let promise = limits::run_with_limits(args.get(1..).unwrap_or_default(), context, |context| module.evaluate(context))?;
    Ok(promise.into())
}

/// `moduleNamespace(module)` → its namespace object.
fn namespace(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    Ok(module_arg(args.get_or_undefined(0))?.namespace(context).into())
}

/// `moduleSetExport(module, name, value)` on a linked synthetic module.
fn set_export(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let module = module_arg(args.get_or_undefined(0))?;
    let name = args.get_or_undefined(1).to_string(context)?;
    let synthetic = module
        .as_synthetic()
        .ok_or_else(|| JsNativeError::typ().with_message("jsvm: not a synthetic module"))?;
    synthetic.set_export(&name, args.get_or_undefined(2).clone())?;
    Ok(JsValue::undefined())
}

/// `moduleSameRealm(module, realm)` → whether the module belongs to `realm`.
fn same_realm(_: &JsValue, args: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    let module = module_arg(args.get_or_undefined(0))?;
    let realm = realm_arg(args.get_or_undefined(1))?;
    Ok((module.realm() == &realm).into())
}

/// The guest's [`ModuleLoader`].
pub struct Loader;

/// What a referrer tells the loader: its record, its path (to resolve
/// relative specifiers against) and whether the load is an `import()`.
fn describe(referrer: &Referrer) -> (Option<JsObject>, Option<String>, bool) {
    match referrer {
        Referrer::Module(module) => (
            module.host_defined().get::<ReferrerRecord>().map(|r| r.0.clone()),
            module.path().map(|p| p.to_string_lossy().into_owned()),
            !matches!(module.status_name(), "unlinked" | "linking"),
        ),
        Referrer::Script(script) => {
            let defined = script.host_defined();
            let id = defined.get::<crate::main_program::ProgramId>().map(|p| p.0.clone());
            (defined.get::<ReferrerRecord>().map(|r| r.0.clone()), id, true)
        }
        Referrer::Realm(realm) => (realm.host_defined().get::<ReferrerRecord>().map(|r| r.0.clone()), None, true),
    }
}

/// Calls the `js/modules.js` hook `name` with `args`.
fn call_hook(name: &str, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let hook = bootstrap::get().module_hooks.get(JsString::from(name), context)?;
    let hook = hook.as_callable().ok_or_else(|| JsNativeError::typ().with_message("jsvm: missing module hook"))?;
    hook.call(&JsValue::undefined(), args, context)
}

impl ModuleLoader for Loader {
    async fn load_imported_module(
        self: Rc<Self>,
        referrer: Referrer,
        request: ModuleRequest,
        context: &RefCell<&mut Context>,
    ) -> JsResult<Module> {
        let (record, path, dynamic) = describe(&referrer);
        let Some(record) = record else {
            return default_load(path.as_deref(), &request, &mut context.borrow_mut());
        };
        let answer = {
            let context = &mut context.borrow_mut();
            let attributes = attributes_object(&request, context)?;
            let hook = if dynamic { "importDynamic" } else { "resolveStatic" };
            // The importing code's realm's TypeError, for the errors the
            // hook throws back into that code.
            let type_error = context.intrinsics().constructors().type_error().constructor();
            let args = [record.into(), request.specifier().clone().into(), attributes.into(), type_error.into()];
            call_hook(hook, &args, context)?
        };
        if answer.is_null() {
            return default_load(path.as_deref(), &request, &mut context.borrow_mut());
        }
        let answer = match answer.as_object().and_then(|o| JsPromise::from_object(o).ok()) {
            Some(promise) => {
                let future = promise.into_js_future(&mut context.borrow_mut())?;
                future.await?
            }
            None => answer,
        };
        module_arg(&answer)
    }

    fn init_import_meta(self: Rc<Self>, meta: &JsObject, module: &Module, context: &mut Context) {
        if let Some(record) = module.host_defined().get::<ReferrerRecord>().map(|r| r.0.clone()) {
            // Boa's hook cannot fail: an initializer that throws leaves
            // `import.meta` as far as it got.
            let _ = call_hook("initializeImportMeta", &[record.into(), meta.clone().into()], context);
        } else if let Some(path) = module.path() {
            let url = format!("file://{}", path.to_string_lossy());
            let _ = meta.set(js_string!("url"), JsString::from(url.as_str()), true, context);
        }
    }
}

/// The default loader: `node:vm`, then files from the host's module root.
pub fn default_load(referrer: Option<&str>, request: &ModuleRequest, context: &mut Context) -> JsResult<Module> {
    let specifier = request.specifier().to_std_string_lossy();
    if matches!(specifier.as_str(), "node:vm" | "vm") {
        return vm_module(context);
    }
    let json = match request.get_attribute("type").map(JsString::to_std_string_lossy) {
        None => false,
        Some(kind) if kind == "json" => true,
        Some(kind) => {
            let message = format!("Import attribute type \"{kind}\" is unsupported");
            return Err(errors::coded("TypeError", &message, Some("ERR_IMPORT_ASSERTION_TYPE_UNSUPPORTED"), context));
        }
    };
    let loaded = host::load_module(referrer, &specifier).map_err(|e| errors::from_wit(e, context))?;
    if !json && loaded.id.ends_with(".json") {
        let message = format!("Module \"file://{}\" needs an import attribute of type \"json\"", loaded.id);
        return Err(errors::coded("TypeError", &message, Some("ERR_IMPORT_ASSERTION_TYPE_MISSING"), context));
    }
    let key = if json { format!("{}#json", loaded.id) } else { loaded.id.clone() };
    if let Some(module) = LOADED.with_borrow(|m| m.get(&key).cloned()) {
        return Ok(module);
    }
    let realm = MAIN_REALM.with_borrow(Clone::clone).unwrap_or_else(|| context.realm().clone());
    let module = in_realm(&realm, context, |context| {
        if json {
            Module::parse_json(JsString::from(loaded.source.as_str()), context)
        } else {
            let src = Source::from_bytes(&loaded.source).with_path(Path::new(&loaded.id));
            Module::parse(src, Some(realm.clone()), context)
        }
    })?;
    LOADED.with_borrow_mut(|m| m.insert(key, module.clone()));
    Ok(module)
}

/// Registers `module` as the default loader's module `id`: the entry module
/// of a program, which its own importers must find.
pub fn register_default(id: &str, module: &Module) {
    LOADED.with_borrow_mut(|m| m.insert(id.to_string(), module.clone()));
}

thread_local! {
    static VM_MODULE: RefCell<Option<Module>> = const { RefCell::new(None) };
}

/// The `node:vm` module: a default export plus every named export.
fn vm_module(context: &mut Context) -> JsResult<Module> {
    if let Some(module) = VM_MODULE.with_borrow(Clone::clone) {
        return Ok(module);
    }
    let vm = bootstrap::get().vm;
    let mut names = vec![js_string!("default")];
    for key in vm.own_property_keys(context)? {
        if let PropertyKey::String(name) = key {
            names.push(name);
        }
    }
    let module = Module::synthetic(
        &names,
        SyntheticModuleInitializer::from_copy_closure(|module, context| {
            let vm = bootstrap::get().vm;
            module.set_export(&js_string!("default"), vm.clone().into())?;
            for key in vm.own_property_keys(context)? {
                if let PropertyKey::String(name) = key {
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
