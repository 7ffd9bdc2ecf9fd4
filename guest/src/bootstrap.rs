//! The JavaScript half of the guest: `js/*.js` evaluated once in the main
//! realm as one function over the natives, returning the `node:vm` object,
//! `console` and the helpers the Rust side calls.

use std::cell::RefCell;
use std::collections::HashMap;

use boa_engine::{Context, JsObject, JsResult, JsValue, Source, js_string, object::builtins::JsFunction};

use crate::jsvm::vm::types::ObjectKind;
use crate::{natives, values};

/// The bootstrap source: every file shares one function scope.
const SOURCE: &str = concat!(
    "(function (native) {\n'use strict';\n",
    include_str!("js/errors.js"),
    include_str!("js/stack.js"),
    include_str!("js/contextify.js"),
    include_str!("js/console.js"),
    include_str!("js/uncaught.js"),
    include_str!("js/host.js"),
    include_str!("js/modules.js"),
    include_str!("js/vm.js"),
    "\nreturn { vm, console, hostObject, inspect, moduleHooks, hostError, useHostGlobal, program: { uncaughtReport, syntaxReport, setMainScript } };\n})",
);

/// What the bootstrap hands back to Rust.
#[derive(Clone)]
pub struct Bootstrap {
    /// The `node:vm` module object.
    pub vm: JsObject,
    /// `hostObject(id)`: makes the guest-side proxy of a host object.
    host_object: JsFunction,
    /// `inspect(value)`: the REPL's rendering of a value.
    pub inspect: JsFunction,
    /// What the module loader calls (`js/modules.js`).
    pub module_hooks: JsObject,
    /// `hostError(name, message, code)`: a guest error for a host's report.
    pub host_error: JsFunction,
    /// `useHostGlobal(global)`: "this context" over the host's global;
    /// returns that realm's `Error.prototype`, `Promise.prototype` and global.
    pub use_host_global: JsFunction,
    /// What the main program needs: Node's reports of what ends it
    /// (`js/uncaught.js`) and `setMainScript(filename)` (`js/stack.js`).
    pub program: JsObject,
}

thread_local! {
    static BOOTSTRAP: RefCell<Option<Bootstrap>> = const { RefCell::new(None) };
    /// Host object proxies, both ways, so identity survives crossings.
    static HOST_BY_ID: RefCell<HashMap<u32, JsObject>> = RefCell::new(HashMap::new());
    static HOST_BY_OBJECT: RefCell<HashMap<JsObject, (u32, ObjectKind)>> = RefCell::new(HashMap::new());
}

/// Evaluates the bootstrap in the main realm and installs `console`.
pub fn install(context: &mut Context) -> JsResult<()> {
    // Named like Node's own internals, so its frames in stacks read as such.
    let factory = context.eval(Source::from_bytes(SOURCE).with_path(std::path::Path::new("node:internal/vm")))?;
    let factory = factory
        .as_callable()
        .expect("the bootstrap source evaluates to a function");
    let natives = natives::make(context)?;
    let result = factory.call(&JsValue::undefined(), &[natives.into()], context)?;
    let result = result.as_object().expect("the bootstrap returns an object");
    let get_object = |key: &str, context: &mut Context| -> JsResult<JsObject> {
        Ok(result.get(js_string!(key), context)?.as_object().expect("bootstrap export is an object"))
    };
    let vm = get_object("vm", context)?;
    let console = get_object("console", context)?;
    let host_object = JsFunction::from_object(get_object("hostObject", context)?).expect("hostObject is a function");
    let inspect = JsFunction::from_object(get_object("inspect", context)?).expect("inspect is a function");
    let module_hooks = get_object("moduleHooks", context)?;
    let host_error = JsFunction::from_object(get_object("hostError", context)?).expect("hostError is a function");
    let use_host_global = JsFunction::from_object(get_object("useHostGlobal", context)?).expect("useHostGlobal is a function");
    let program = get_object("program", context)?;
    context.global_object().set(js_string!("console"), console, true, context)?;
    values::add_main_prototypes(
        context.intrinsics().constructors().error().prototype(),
        context.intrinsics().constructors().promise().prototype(),
    );
    BOOTSTRAP.with_borrow_mut(|b| *b = Some(Bootstrap { vm, host_object, inspect, module_hooks, host_error, use_host_global, program }));
    Ok(())
}

/// The installed bootstrap.
pub fn get() -> Bootstrap {
    BOOTSTRAP.with_borrow(|b| b.clone().expect("the guest runtime is initialised before use"))
}

/// The `node:vm` function named `name`.
pub fn vm_function(name: &str, context: &mut Context) -> JsResult<JsFunction> {
    let value = get().vm.get(js_string!(name), context)?;
    Ok(JsFunction::from_object(value.as_object().expect("vm export")).expect("vm export is a function"))
}

/// The guest-side proxy for host object `id`, made once.
pub fn host_object(id: u32, kind: ObjectKind, context: &mut Context) -> JsResult<JsValue> {
    if let Some(existing) = HOST_BY_ID.with_borrow(|m| m.get(&id).cloned()) {
        return Ok(existing.into());
    }
    let kind_name = match kind {
        ObjectKind::Function => "function",
        ObjectKind::Array => "array",
        _ => "object",
    };
    let proxy = get().host_object.call(&JsValue::undefined(), &[JsValue::from(id), js_string!(kind_name).into()], context)?;
    let object = proxy.as_object().expect("hostObject returns an object");
    HOST_BY_ID.with_borrow_mut(|m| m.insert(id, object.clone()));
    HOST_BY_OBJECT.with_borrow_mut(|m| m.insert(object, (id, kind)));
    Ok(proxy)
}

/// The host id and kind of a guest-side host proxy, if `object` is one.
pub fn host_object_id(object: &JsObject) -> Option<(u32, ObjectKind)> {
    HOST_BY_OBJECT.with_borrow(|m| m.get(object).copied())
}
