//! Native versions of the two hottest traps of a contextified global, `get`
//! and `has`: every global variable lookup in a context runs them, and
//! running them as JavaScript made global-heavy code many times slower.
//! The other traps (writes, definitions, deletions, keys) stay in
//! `js/contextify.js`, where Node's rules read best.

use boa_engine::{
    Context, JsArgs, JsNativeError, JsObject, JsResult, JsValue, NativeFunction, js_string,
    object::{FunctionObjectBuilder, ObjectInitializer},
    property::{Attribute, PropertyKey},
};

/// The global's only non-writable, non-configurable own properties: the
/// Proxy invariants require `get` to report exactly the target's value.
fn is_frozen_builtin(key: &PropertyKey) -> bool {
    matches!(key, PropertyKey::String(s) if s == &js_string!("undefined") || s == &js_string!("NaN") || s == &js_string!("Infinity"))
}

fn target_and_key(args: &[JsValue], context: &mut Context) -> JsResult<(JsObject, PropertyKey)> {
    let target = args
        .get_or_undefined(0)
        .as_object()
        .ok_or_else(|| JsNativeError::typ().with_message("jsvm: trap target is not an object"))?;
    let key = args.get_or_undefined(1).to_property_key(context)?;
    Ok((target, key))
}

/// `get(target, key)`: the sandbox (prototype chain included) first, then
/// the realm's built-ins.
fn get(_: &JsValue, args: &[JsValue], sandbox: &JsObject, context: &mut Context) -> JsResult<JsValue> {
    let (target, key) = target_and_key(args, context)?;
    if !is_frozen_builtin(&key) && sandbox.has_property(key.clone(), context)? {
        return sandbox.get(key, context);
    }
    target.get(key, context)
}

/// `has(target, key)`: in the sandbox or among the built-ins.
fn has(_: &JsValue, args: &[JsValue], sandbox: &JsObject, context: &mut Context) -> JsResult<JsValue> {
    let (target, key) = target_and_key(args, context)?;
    Ok((sandbox.has_property(key.clone(), context)? || target.has_property(key, context)?).into())
}

/// `{ get, has }` traps bound to `sandbox`.
pub fn traps(sandbox: JsObject, context: &mut Context) -> JsObject {
    let realm = context.realm().clone();
    let make = |f: fn(&JsValue, &[JsValue], &JsObject, &mut Context) -> JsResult<JsValue>, name| {
        FunctionObjectBuilder::new(&realm, NativeFunction::from_copy_closure_with_captures(f, sandbox.clone()))
            .name(name)
            .length(2)
            .build()
    };
    let get = make(get, js_string!("get"));
    let has = make(has, js_string!("has"));
    ObjectInitializer::new(context)
        .property(js_string!("get"), get, Attribute::all())
        .property(js_string!("has"), has, Attribute::all())
        .build()
}
