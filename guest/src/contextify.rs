//! The contextified global: the global object of a context made from a
//! context object ("the sandbox"), with the rules of Node's named-property
//! interceptors (`src/node_contextify.cc`): lookups try the sandbox (its
//! prototype chain included) first, then the realm's built-ins, which are
//! the global's own properties; writes, definitions and deletions go to the
//! sandbox.
//!
//! It is an exotic object with native internal methods (the exotic patch
//! makes Boa's internal methods public), so a global lookup costs a lookup
//! in the sandbox and, when that misses, one on the global: no Proxy trap
//! is called and no handler consulted. Each forwarded operation gets a
//! property context of its own, so Boa's inline caches never remember a
//! lookup the sandbox could later shadow; only `undefined`, `NaN` and
//! `Infinity`, which the sandbox never shadows, are cached.
//!
//! Declarations: a top-level `var` or function declaration defines a
//! non-configurable property on the global. It is kept on the global
//! itself (the engine's global bindings need it) and reaches the sandbox
//! as an ordinary, configurable property, as in Node; every report about a
//! non-configurable global property stays compatible with it.
//!
//! Until [`install`] gives it a sandbox the global is ordinary, so the
//! realm's built-ins and the layer's shims land on the global itself.

use std::collections::HashSet;

use boa_engine::{
    Context, JsData, JsObject, JsResult, JsValue, js_string,
    context::intrinsics::Intrinsics,
    object::internal_methods::{
        InternalMethodPropertyContext, InternalObjectMethods, ORDINARY_INTERNAL_METHODS, ordinary_define_own_property,
        ordinary_delete, ordinary_get_own_property, ordinary_has_property, ordinary_own_property_keys, ordinary_try_get,
    },
    property::{PropertyDescriptor, PropertyKey},
};
use boa_gc::{Finalize, GcRefCell, Trace};

/// What a contextified global holds beyond its own properties.
#[derive(Trace, Finalize)]
pub struct ContextGlobal {
    /// The context object, once installed.
    sandbox: GcRefCell<Option<JsObject>>,
}

impl JsData for ContextGlobal {
    fn internal_methods(&self) -> &'static InternalObjectMethods {
        &CONTEXT_GLOBAL_METHODS
    }
}

static CONTEXT_GLOBAL_METHODS: InternalObjectMethods = InternalObjectMethods {
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

/// A new contextified global for a realm being created (its prototype is
/// the realm's `Object.prototype`); ordinary until [`install`].
pub fn new_global(intrinsics: &Intrinsics) -> JsObject {
    let prototype = intrinsics.constructors().object().prototype();
    JsObject::from_proto_and_data(Some(prototype), ContextGlobal { sandbox: GcRefCell::new(None) })
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

/// The sandbox `global` forwards to, if it has one yet.
fn sandbox_of(global: &JsObject) -> Option<JsObject> {
    global.downcast_ref::<ContextGlobal>().and_then(|data| data.sandbox.borrow().clone())
}

/// A property context of its own for a forwarded operation: what it finds
/// is never cached against the global's shape.
fn own<'a>(context: &'a mut InternalMethodPropertyContext<'_>) -> InternalMethodPropertyContext<'a> {
    InternalMethodPropertyContext::new(&mut **context)
}

/// The global's only non-writable, non-configurable own properties: the
/// sandbox never shadows them (in Node, V8 reports the global's own).
fn is_frozen_builtin(key: &PropertyKey) -> bool {
    matches!(key, PropertyKey::String(s) if s == &js_string!("undefined") || s == &js_string!("NaN") || s == &js_string!("Infinity"))
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

/// A descriptor the global may report for `key`, given its own one and the
/// sandbox's: the sandbox's, unless the global holds a non-configurable
/// property, which it must report compatibly (a declared global's value
/// follows the sandbox).
fn compatible_descriptor(
    global_desc: Option<PropertyDescriptor>,
    sandbox_desc: Option<PropertyDescriptor>,
) -> Option<PropertyDescriptor> {
    match global_desc {
        None => sandbox_desc,
        Some(global_desc) if global_desc.configurable() != Some(false) => sandbox_desc.or(Some(global_desc)),
        Some(global_desc) => match sandbox_desc {
            Some(sandbox_desc)
                if global_desc.is_data_descriptor() && global_desc.writable() == Some(true) && sandbox_desc.is_data_descriptor() =>
            {
                Some(
                    PropertyDescriptor::builder()
                        .maybe_value(sandbox_desc.value().cloned())
                        .writable(true)
                        .maybe_enumerable(global_desc.enumerable())
                        .configurable(false)
                        .build(),
                )
            }
            _ => Some(global_desc),
        },
    }
}

fn prevent_extensions(global: &JsObject, context: &mut Context) -> JsResult<bool> {
    match sandbox_of(global) {
        // Node's contextified global cannot be frozen or sealed.
        Some(_) => Ok(false),
        None => (ORDINARY_INTERNAL_METHODS.__prevent_extensions__)(global, context),
    }
}

fn get_own_property(
    global: &JsObject,
    key: &PropertyKey,
    context: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<Option<PropertyDescriptor>> {
    let Some(sandbox) = sandbox_of(global) else { return ordinary_get_own_property(global, key, context) };
    let sandbox_desc = sandbox.__get_own_property__(key, &mut own(context))?;
    let mut global_desc = ordinary_get_own_property(global, key, &mut own(context))?;
    // A non-configurable sandbox property is mirrored onto the global, which
    // may only report non-configurable properties it has.
    if let Some(desc) = &sandbox_desc
        && desc.configurable() == Some(false)
        && global_desc.is_none()
    {
        ordinary_define_own_property(global, key, desc.clone(), &mut own(context))?;
        global_desc = ordinary_get_own_property(global, key, &mut own(context))?;
    }
    Ok(compatible_descriptor(global_desc, sandbox_desc))
}

fn define_own_property(
    global: &JsObject,
    key: &PropertyKey,
    desc: PropertyDescriptor,
    context: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<bool> {
    let Some(sandbox) = sandbox_of(global) else { return ordinary_define_own_property(global, key, desc, context) };
    if is_read_only(ordinary_get_own_property(global, key, &mut own(context))?.as_ref()) {
        return Ok(false);
    }
    if desc.configurable() == Some(false) && !ordinary_define_own_property(global, key, desc.clone(), &mut own(context))? {
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
    sandbox.__define_own_property__(key, desc, &mut own(context))
}

fn has_property(global: &JsObject, key: &PropertyKey, context: &mut InternalMethodPropertyContext<'_>) -> JsResult<bool> {
    if let Some(sandbox) = sandbox_of(global)
        && sandbox.__has_property__(key, &mut own(context))?
    {
        return Ok(true);
    }
    ordinary_has_property(global, key, &mut own(context))
}

/// `[[Get]]` that tells "absent" from `undefined`: the sandbox's value
/// (read with the sandbox as the receiver), else the global's own.
fn try_get(
    global: &JsObject,
    key: &PropertyKey,
    receiver: JsValue,
    context: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<Option<JsValue>> {
    if is_frozen_builtin(key) {
        return ordinary_try_get(global, key, receiver, context);
    }
    if let Some(sandbox) = sandbox_of(global)
        && let Some(value) = sandbox.__try_get__(key, sandbox.clone().into(), &mut own(context))?
    {
        return Ok(Some(value));
    }
    ordinary_try_get(global, key, receiver, &mut own(context))
}

fn get(global: &JsObject, key: &PropertyKey, receiver: JsValue, context: &mut InternalMethodPropertyContext<'_>) -> JsResult<JsValue> {
    Ok(try_get(global, key, receiver, context)?.unwrap_or_default())
}

fn set(
    global: &JsObject,
    key: PropertyKey,
    value: JsValue,
    receiver: JsValue,
    context: &mut InternalMethodPropertyContext<'_>,
) -> JsResult<bool> {
    let Some(sandbox) = sandbox_of(global) else {
        return (ORDINARY_INTERNAL_METHODS.__set__)(global, key, value, receiver, context);
    };
    let global_desc = ordinary_get_own_property(global, &key, &mut own(context))?;
    if is_read_only(global_desc.as_ref()) || is_read_only(find_descriptor(&sandbox, &key, context)?.as_ref()) {
        return Ok(false);
    }
    if !sandbox.__set__(key.clone(), value.clone(), sandbox.clone().into(), &mut own(context))? {
        return Ok(false);
    }
    // A declared global keeps its value on the global too, as in Node:
    // deleting it from the sandbox leaves the binding with that value.
    if let Some(desc) = global_desc
        && desc.configurable() == Some(false)
        && desc.is_data_descriptor()
    {
        ordinary_define_own_property(global, &key, PropertyDescriptor::builder().value(value).build(), &mut own(context))?;
    }
    Ok(true)
}

/// Node's deleter deletes from the sandbox first; only when that worked
/// does the deletion go on to the global itself, where a `var` binding
/// (non-configurable) still makes `delete` return false.
fn delete(global: &JsObject, key: &PropertyKey, context: &mut InternalMethodPropertyContext<'_>) -> JsResult<bool> {
    if let Some(sandbox) = sandbox_of(global)
        && !sandbox.__delete__(key, &mut own(context))?
    {
        return Ok(false);
    }
    ordinary_delete(global, key, &mut own(context))
}

/// The sandbox's keys, then the global's own that the sandbox lacks.
fn own_property_keys(global: &JsObject, context: &mut Context) -> JsResult<Vec<PropertyKey>> {
    let Some(sandbox) = sandbox_of(global) else { return ordinary_own_property_keys(global, context) };
    let mut keys = sandbox.__own_property_keys__(context)?;
    let seen: HashSet<PropertyKey> = keys.iter().cloned().collect();
    keys.extend(ordinary_own_property_keys(global, context)?.into_iter().filter(|key| !seen.contains(key)));
    Ok(keys)
}
