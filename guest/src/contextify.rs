//! The contextified global: the global object of a context made from a
//! context object ("the sandbox"), with the rules of Node's named-property
//! interceptors (`src/node_contextify.cc`): lookups try the sandbox (its
//! prototype chain included) first, then the realm's built-ins; writes,
//! definitions and deletions go to the sandbox.
//!
//! It is an exotic object with native internal methods (the exotic patch
//! makes Boa's internal methods public) over an ordinary object, the
//! "target", that holds the realm's built-ins and the global's own
//! bindings, as a Proxy's target would: a global lookup costs a lookup in
//! the sandbox and, when that misses, one in the target, with no trap call
//! and no handler. Each forwarded operation gets a property context of its
//! own, so Boa's inline caches, keyed by the global's shape, never remember
//! a lookup.
//!
//! Declarations: a top-level `var` or function declaration defines a
//! non-configurable property on the global. It is kept on the target (the
//! engine's global bindings need it, and `delete` of a `var` fails) and
//! reaches the sandbox as an ordinary, configurable property, which is what
//! the global reports, as in Node.
//!
//! Until [`install`] gives it a sandbox, every operation goes to the
//! target, so the realm's built-ins and the layer's shims land there.

use std::collections::HashSet;

use boa_engine::{
    Context, JsData, JsObject, JsResult, JsValue, js_string,
    context::intrinsics::Intrinsics,
    object::{
        JsPrototype,
        internal_methods::{InternalMethodPropertyContext, InternalObjectMethods, ORDINARY_INTERNAL_METHODS},
    },
    property::{PropertyDescriptor, PropertyKey},
};
use boa_gc::{Finalize, GcRefCell, Trace};

/// What a contextified global forwards to.
#[derive(Trace, Finalize)]
pub struct ContextGlobal {
    /// The realm's built-ins and the global's own bindings (ordinary).
    target: JsObject,
    /// The context object, once installed.
    sandbox: GcRefCell<Option<JsObject>>,
    /// Keys of read-only properties defined through this global. In Node
    /// they land on V8's global as well as on the context object, and a
    /// strict assignment to one is V8's "Cannot assign to read only
    /// property" (one that is only the context object's is "Cannot
    /// redefine property"); only [`read_only_message`] reads this.
    #[unsafe_ignore_trace]
    defined_read_only: std::cell::RefCell<HashSet<PropertyKey>>,
}

impl JsData for ContextGlobal {
    fn internal_methods(&self) -> &'static InternalObjectMethods {
        &CONTEXT_GLOBAL_METHODS
    }
}

static CONTEXT_GLOBAL_METHODS: InternalObjectMethods = InternalObjectMethods {
    __get_prototype_of__: get_prototype_of,
    __set_prototype_of__: set_prototype_of,
    __is_extensible__: is_extensible,
    __prevent_extensions__: prevent_extensions,
    __get_own_property__: get_own_property,
    __define_own_property__: define_own_property,
    __has_property__: has_property,
    __try_get__: try_get,
    __get__: get,
    __set__: set,
    __delete__: delete,
    __own_property_keys__: own_property_keys,
    ..ORDINARY_INTERNAL_METHODS
};

/// A new contextified global for a realm being created; its target
/// inherits from the realm's `Object.prototype`. It forwards everything to
/// the target until [`install`].
pub fn new_global(intrinsics: &Intrinsics) -> JsObject {
    let target = JsObject::with_object_proto(intrinsics);
    JsObject::from_proto_and_data(None, ContextGlobal { target, sandbox: GcRefCell::new(None), defined_read_only: Default::default() })
}

/// Makes `global` (from [`new_global`]) forward to `sandbox`; false when
/// `global` is no contextified global.
pub fn install(global: &JsObject, sandbox: JsObject) -> bool {
    match global.downcast_ref::<ContextGlobal>() {
        Some(data) => {
            *data.sandbox.borrow_mut() = Some(sandbox);
            true
        }
        None => false,
    }
}

/// The target and the sandbox (once installed) of a contextified global.
fn parts(global: &JsObject) -> (JsObject, Option<JsObject>) {
    let data = global.downcast_ref::<ContextGlobal>().expect("a contextified global's methods run on one");
    let sandbox = data.sandbox.borrow().clone();
    (data.target.clone(), sandbox)
}

/// Where a global's name lookups go, for Boa's `GetNameGlobal` (the sandbox
/// patch): a contextified global's ordinary sandbox first, then its target,
/// as [`try_get`] does. Boa then caches what it finds on the sandbox by the
/// sandbox's shape, so a global the sandbox holds (a function calling
/// itself, a loop's counter) costs what a cached property read does.
/// `None` (Boa looks the name up on the global itself) for other globals,
/// and for a sandbox that is no ordinary object (a Proxy, a host object),
/// whose lookups no shape describes.
pub fn lookup_redirect(global: &JsObject) -> Option<(JsObject, JsObject)> {
    let data = global.downcast_ref::<ContextGlobal>()?;
    let sandbox = data.sandbox.borrow().clone()?;
    sandbox.is_ordinary().then(|| (sandbox, data.target.clone()))
}

/// V8's message for a strict assignment that failed on a read-only
/// property of a contextified global (installed as the engine's
/// read-only message hook): `Cannot redefine property: x` when the
/// property is the context object's own (Node's setter defines it there),
/// the usual one naming the global as V8 does otherwise. Reads only ordinary
/// storage, so it runs no code.
pub fn read_only_message(object: &JsObject, key: &PropertyKey) -> Option<String> {
    let sandbox = sandbox_of(object)?;
    let on_global = format!("Cannot assign to read only property '{key}' of object '[object Object]'");
    // On the target (a non-configurable definition), or defined read-only
    // through the global: V8 reports the global's own property.
    let defined_here = object.downcast_ref::<ContextGlobal>().is_some_and(|data| data.defined_read_only.borrow().contains(key));
    if defined_here || is_read_only(target_of(object).borrow().properties().get(key).as_ref()) {
        return Some(on_global);
    }
    let mut current = Some(sandbox);
    for _ in 0..64 {
        let Some(here) = current else { break };
        if !here.is_ordinary() {
            break;
        }
        let borrowed = here.borrow();
        if let Some(desc) = borrowed.properties().get(key) {
            if is_read_only(Some(&desc)) {
                return Some(format!("Cannot redefine property: {key}"));
            }
            break;
        }
        current = borrowed.prototype().clone();
    }
    Some(on_global)
}

/// The sandbox alone (the lookups' first step: the target is often not needed).
fn sandbox_of(global: &JsObject) -> Option<JsObject> {
    global.downcast_ref::<ContextGlobal>().and_then(|data| data.sandbox.borrow().clone())
}

/// The target alone.
fn target_of(global: &JsObject) -> JsObject {
    global.downcast_ref::<ContextGlobal>().expect("a contextified global's methods run on one").target.clone()
}

/// A property context of its own for a forwarded operation: what it finds
/// is never cached against the global's shape.
fn own<'a>(context: &'a mut InternalMethodPropertyContext<'_>) -> InternalMethodPropertyContext<'a> {
    InternalMethodPropertyContext::new(&mut **context)
}

/// `undefined` is never the sandbox's: V8 compiles the name to the value.
/// (`NaN` and `Infinity` are looked up, and a sandbox may shadow them.)
fn is_never_shadowed(key: &PropertyKey) -> bool {
    matches!(key, PropertyKey::String(s) if s == &js_string!("undefined"))
}

/// A data property that cannot be written, or an accessor without a setter.
fn is_read_only(desc: Option<&PropertyDescriptor>) -> bool {
    desc.is_some_and(|desc| {
        (desc.is_data_descriptor() && desc.writable() == Some(false))
            || (desc.is_accessor_descriptor() && desc.set().is_none_or(JsValue::is_undefined))
    })
}

/// The descriptor the engine defines for a global `var` or function
/// declaration (CreateGlobalVarBinding / CreateGlobalFunctionBinding).
fn is_declaration(desc: &PropertyDescriptor) -> bool {
    desc.value().is_some() && desc.writable() == Some(true) && desc.enumerable() == Some(true) && desc.configurable() == Some(false)
}

/// `desc`, configurable.
fn configurable(desc: &PropertyDescriptor) -> PropertyDescriptor {
    PropertyDescriptor::builder()
        .maybe_value(desc.value().cloned())
        .maybe_writable(desc.writable())
        .maybe_get(desc.get().cloned())
        .maybe_set(desc.set().cloned())
        .maybe_enumerable(desc.enumerable())
        .configurable(true)
        .build()
}

/// A property along an object's prototype chain (GetRealNamedProperty).
fn find_descriptor(object: &JsObject, key: &PropertyKey, context: &mut Context) -> JsResult<Option<PropertyDescriptor>> {
    let mut current = Some(object.clone());
    while let Some(object) = current {
        if let Some(desc) = object.__get_own_property__(key, &mut InternalMethodPropertyContext::new(context))? {
            return Ok(Some(desc));
        }
        current = object.__get_prototype_of__(context)?;
    }
    Ok(None)
}

fn get_prototype_of(global: &JsObject, context: &mut Context) -> JsResult<JsPrototype> {
    target_of(global).__get_prototype_of__(context)
}

fn set_prototype_of(global: &JsObject, prototype: JsPrototype, context: &mut Context) -> JsResult<bool> {
    target_of(global).__set_prototype_of__(prototype, context)
}

fn is_extensible(global: &JsObject, context: &mut Context) -> JsResult<bool> {
    target_of(global).__is_extensible__(context)
}

fn prevent_extensions(global: &JsObject, context: &mut Context) -> JsResult<bool> {
    match parts(global) {
        // Node's contextified global cannot be frozen or sealed.
        (_, Some(_)) => Ok(false),
        (target, None) => target.__prevent_extensions__(context),
    }
}

/// The sandbox's own property, else the target's (Node's descriptor
/// interceptor): a declared global reports the sandbox's configurable
/// copy, as in Node, although the target keeps a non-configurable binding.
fn get_own_property(
    global: &JsObject,
    key: &PropertyKey,
    context: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<Option<PropertyDescriptor>> {
    if let Some(sandbox) = sandbox_of(global)
        && let Some(desc) = sandbox.__get_own_property__(key, &mut own(context))?
    {
        return Ok(Some(desc));
    }
    target_of(global).__get_own_property__(key, &mut own(context))
}

fn define_own_property(
    global: &JsObject,
    key: &PropertyKey,
    desc: PropertyDescriptor,
    context: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<bool> {
    let (target, sandbox) = parts(global);
    let Some(sandbox) = sandbox else { return target.__define_own_property__(key, desc, &mut own(context)) };
    if is_read_only(target.__get_own_property__(key, &mut own(context))?.as_ref()) {
        return Ok(false);
    }
    if desc.configurable() == Some(false) && !target.__define_own_property__(key, desc.clone(), &mut own(context))? {
        return Ok(false);
    }
    if is_declaration(&desc) {
        // In Node a declaration reaches the sandbox as an assignment would:
        // a configurable property, and none at all for a `var` without a
        // value yet.
        if desc.value().is_none_or(JsValue::is_undefined) {
            return Ok(true);
        }
        return sandbox.__define_own_property__(key, configurable(&desc), &mut own(context));
    }
    if !sandbox.__define_own_property__(key, desc.clone(), &mut own(context))? {
        return Ok(false);
    }
    if matches!(key, PropertyKey::Symbol(_)) {
        // As `set`: a symbol defined through the global lands on the real
        // global too (and is listed from there); a non-configurable one is
        // there already.
        if desc.configurable() == Some(false) {
            return Ok(true);
        }
        return target.__define_own_property__(key, configurable(&desc), &mut own(context));
    }
    let read_only = is_read_only(sandbox.__get_own_property__(key, &mut own(context))?.as_ref());
    if let Some(data) = global.downcast_ref::<ContextGlobal>() {
        let mut keys = data.defined_read_only.borrow_mut();
        if read_only {
            keys.insert(key.clone());
        } else {
            keys.remove(key);
        }
    }
    Ok(true)
}

/// A writable, enumerable, configurable data property (CreateDataProperty's).
fn data_property(value: JsValue) -> PropertyDescriptor {
    PropertyDescriptor::builder().value(value).writable(true).enumerable(true).configurable(true).build()
}

fn has_property(global: &JsObject, key: &PropertyKey, context: &mut InternalMethodPropertyContext<'_>) -> JsResult<bool> {
    if let Some(sandbox) = sandbox_of(global)
        && sandbox.__has_property__(key, &mut own(context))?
    {
        return Ok(true);
    }
    target_of(global).__has_property__(key, &mut own(context))
}

/// `[[Get]]` that tells "absent" from `undefined`: the sandbox's value
/// (read with the sandbox as the receiver), else the target's.
fn try_get(
    global: &JsObject,
    key: &PropertyKey,
    _receiver: JsValue,
    context: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<Option<JsValue>> {
    if !is_never_shadowed(key)
        && let Some(sandbox) = sandbox_of(global)
        && let Some(value) = sandbox.__try_get__(key, sandbox.clone().into(), &mut own(context))?
    {
        // Node's getter hands out the global for the sandbox itself
        // (`ctx.window = ctx` makes `window === this` inside).
        if value.as_object().is_some_and(|object| JsObject::equals(&object, &sandbox)) {
            return Ok(Some(global.clone().into()));
        }
        return Ok(Some(value));
    }
    let target = target_of(global);
    target.__try_get__(key, target.clone().into(), &mut own(context))
}

fn get(global: &JsObject, key: &PropertyKey, receiver: JsValue, context: &mut InternalMethodPropertyContext<'_>) -> JsResult<JsValue> {
    Ok(try_get(global, key, receiver, context)?.unwrap_or_default())
}

fn set(
    global: &JsObject,
    key: PropertyKey,
    value: JsValue,
    _receiver: JsValue,
    context: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<bool> {
    let (target, sandbox) = parts(global);
    let Some(sandbox) = sandbox else { return target.__set__(key, value, target.clone().into(), &mut own(context)) };
    let target_desc = target.__get_own_property__(&key, &mut own(context))?;
    if is_read_only(target_desc.as_ref()) || is_read_only(find_descriptor(&sandbox, &key, context)?.as_ref()) {
        return Ok(false);
    }
    if !sandbox.__set__(key.clone(), value.clone(), sandbox.clone().into(), &mut own(context))? {
        return Ok(false);
    }
    if matches!(key, PropertyKey::Symbol(_)) {
        // Node's interceptors pass symbols on to the real global as well,
        // which is where the global's own keys list them from.
        target.__define_own_property__(&key, data_property(value), &mut own(context))?;
        return Ok(true);
    }
    // A declared global keeps its value on the target too, as in Node:
    // deleting it from the sandbox leaves the binding with that value.
    if let Some(desc) = target_desc
        && desc.configurable() == Some(false)
        && desc.is_data_descriptor()
    {
        target.__define_own_property__(&key, PropertyDescriptor::builder().value(value).build(), &mut own(context))?;
    }
    Ok(true)
}

/// Node's deleter deletes from the sandbox first; only when that worked
/// does the deletion go on to the target, where a `var` binding
/// (non-configurable) still makes `delete` return false.
fn delete(global: &JsObject, key: &PropertyKey, context: &mut InternalMethodPropertyContext<'_>) -> JsResult<bool> {
    let (target, sandbox) = parts(global);
    if let Some(sandbox) = sandbox
        && !sandbox.__delete__(key, &mut own(context))?
    {
        return Ok(false);
    }
    if let Some(data) = global.downcast_ref::<ContextGlobal>() {
        data.defined_read_only.borrow_mut().remove(key);
    }
    target.__delete__(key, &mut own(context))
}

/// The sandbox's string keys (Node's enumerator lists no symbols), then
/// the target's keys that the sandbox lacks (among them the symbols set or
/// defined through the global, which land there too, as in Node).
fn own_property_keys(global: &JsObject, context: &mut Context) -> JsResult<Vec<PropertyKey>> {
    let (target, sandbox) = parts(global);
    let Some(sandbox) = sandbox else { return target.__own_property_keys__(context) };
    let mut keys = sandbox.__own_property_keys__(context)?;
    keys.retain(|key| !matches!(key, PropertyKey::Symbol(_)));
    let seen: HashSet<PropertyKey> = keys.iter().cloned().collect();
    keys.extend(target.__own_property_keys__(context)?.into_iter().filter(|key| !seen.contains(key)));
    Ok(keys)
}
