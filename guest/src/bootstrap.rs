//! The JavaScript half of the guest: `js/*.js` evaluated once in the main
//! realm as one function over the natives, returning the `node:vm` object,
//! `console` and the helpers the Rust side calls.

use std::cell::RefCell;
use std::collections::HashMap;

use boa_engine::{
    Context, JsData, JsObject, JsResult, JsValue, Source, js_string,
    object::builtins::{JsFunction, JsProxy},
    realm::Realm,
};
use boa_gc::{Finalize, Trace};

use crate::jsvm::vm::types::ObjectKind;
use crate::{natives, values};

/// The bootstrap source: every file shares one function scope.
const SOURCE: &str = concat!(
    "(function (native) {\n'use strict';\n",
    include_str!("js/errors.js"),
    include_str!("js/stack.js"),
    include_str!("js/inspect.js"),
    include_str!("js/console.js"),
    include_str!("js/uncaught.js"),
    include_str!("js/host.js"),
    include_str!("js/modules.js"),
    include_str!("js/vm.js"),
    "\nreturn { vm, console, hostObject, hostObjectId, realmOf, display: (value) => format(value), moduleHooks, hostError, useHostGlobal, fast, program: { uncaughtReport, syntaxReport, setMainScript, mainProgramRuns } };\n})",
);

/// What the bootstrap hands back to Rust.
#[derive(Clone)]
pub struct Bootstrap {
    /// The `node:vm` module object.
    pub vm: JsObject,
    /// `hostObject(id, kind, realm, proto)`: makes the guest-side proxy of a
    /// host object for one realm.
    host_object: JsFunction,
    /// `hostObjectId(object)`: `[id, kind]` of a host proxy, else undefined.
    host_object_id: JsFunction,
    /// `realmOf(object, root)`: the realm box of a context object, or of
    /// the context whose `Object.prototype` is `root`, else undefined.
    realm_of: JsFunction,
    /// `display(value)`: a value as `console.log` prints it (strings as they
    /// are, everything else inspected), for the REPL and `to-display-string`.
    pub display: JsFunction,
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
}

/// A realm's host object proxies by host handle (in the realm's
/// host-defined slot, so they live and die with it), so identity survives
/// crossings.
#[derive(Default, Trace, Finalize, JsData)]
struct HostProxies(HashMap<u32, JsObject>);

/// Evaluates the bootstrap in the main realm and installs `console` and
/// `performance`.
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
    let function = |key: &str, context: &mut Context| -> JsResult<JsFunction> {
        Ok(JsFunction::from_object(get_object(key, context)?).expect("bootstrap export is a function"))
    };
    let host_object = function("hostObject", context)?;
    let host_object_id = function("hostObjectId", context)?;
    let realm_of = function("realmOf", context)?;
    let display = JsFunction::from_object(get_object("display", context)?).expect("display is a function");
    let module_hooks = get_object("moduleHooks", context)?;
    let host_error = JsFunction::from_object(get_object("hostError", context)?).expect("hostError is a function");
    let use_host_global = JsFunction::from_object(get_object("useHostGlobal", context)?).expect("useHostGlobal is a function");
    let program = get_object("program", context)?;
    crate::fast_run::install(&get_object("fast", context)?, context)?;
    context.global_object().set(js_string!("console"), console, true, context)?;
    crate::performance::install(context)?;
    values::add_main_prototypes(
        context.intrinsics().constructors().error().prototype(),
        context.intrinsics().constructors().promise().prototype(),
    );
    BOOTSTRAP.with_borrow_mut(|b| *b = Some(Bootstrap { vm, host_object, host_object_id, realm_of, display, module_hooks, host_error, use_host_global, program }));
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

/// The proxy of host object `id` in the current realm, made once per realm.
pub fn host_object(id: u32, kind: ObjectKind, context: &mut Context) -> JsResult<JsValue> {
    let realm = context.realm().clone();
    if let Some(existing) = realm.host_defined().get::<HostProxies>().and_then(|p| p.0.get(&id).cloned()) {
        return Ok(existing.into());
    }
    let constructors = realm.intrinsics().constructors();
    let (kind_name, proto) = match kind {
        ObjectKind::Function => ("function", constructors.function().prototype()),
        ObjectKind::Array => ("array", constructors.array().prototype()),
        _ => ("object", constructors.object().prototype()),
    };
    let realm_box = JsObject::from_proto_and_data(None, natives::RealmBox(realm.clone()));
    let args = [JsValue::from(id), js_string!(kind_name).into(), realm_box.into(), proto.into()];
    let proxy = get().host_object.call(&JsValue::undefined(), &args, context)?;
    let object = proxy.as_object().expect("hostObject returns an object");
    let mut defined = realm.host_defined_mut();
    if defined.get::<HostProxies>().is_none() {
        defined.insert(HostProxies::default());
    }
    defined.get_mut::<HostProxies>().expect("just inserted").0.insert(id, object);
    Ok(proxy)
}

/// The host id and kind of a guest-side host proxy, if `object` is one.
pub fn host_object_id(object: &JsObject, context: &mut Context) -> Option<(u32, ObjectKind)> {
    // Only Proxies can be host proxies: anything else skips the lookup.
    JsProxy::from_object(object.clone()).ok()?;
    let found = get().host_object_id.call(&JsValue::undefined(), &[object.clone().into()], context).ok()?;
    let pair = found.as_object()?;
    let id = pair.get(0, context).ok()?.as_number()? as u32;
    let kind = match pair.get(1, context).ok()?.as_string()?.to_std_string_lossy().as_str() {
        "function" => ObjectKind::Function,
        "array" => ObjectKind::Array,
        _ => ObjectKind::Plain,
    };
    Some((id, kind))
}

/// The realm `object` belongs to, as far as the guest can tell: a context
/// object's context, else the context whose `Object.prototype` ends the
/// object's prototype chain (read from the internal slots, so no trap
/// runs), else the main realm. Values the host hands in for it (a host
/// function set on it, arguments to it) are made in that realm.
pub fn realm_of(object: &JsObject, context: &mut Context) -> Realm {
    let mut root = object.clone();
    while let Some(next) = root.prototype() {
        root = next;
    }
    let found = get().realm_of.call(&JsValue::undefined(), &[object.clone().into(), root.into()], context);
    match found.ok().and_then(|value| natives::realm_arg(&value).ok()) {
        Some(realm) => realm,
        None => context.realm().clone(),
    }
}
