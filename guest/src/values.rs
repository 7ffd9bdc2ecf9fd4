//! Values crossing the WIT boundary: primitives by value, guest objects and
//! symbols by handle in a table that keeps them alive until released (one
//! handle per object, so identity holds), well-known symbols by name, and
//! host objects and symbols as guest stand-ins made once per host handle.

use std::cell::RefCell;
use std::collections::HashMap;

use boa_engine::{
    Context, JsBigInt, JsNativeError, JsObject, JsResult, JsString, JsSymbol, JsValue, js_string,
    builtins::promise::Promise, object::builtins::{JsArray, JsFunction}, property::PropertyKey, value::JsVariant,
};

use crate::bootstrap;
use crate::jsvm::vm::types::{HostObjectRef, HostSymbolRef, ObjectKind, ObjectRef, PropertyDescriptor, SymbolRef, Value};

/// A slot of the handle table.
enum Slot {
    Object(JsObject),
    Symbol(JsSymbol),
    Free,
}

/// Guest objects and symbols the host holds, by index, and the index of
/// each, so the same object always crosses as the same handle. A handle
/// counts its crossings: the host releases it once per crossing, and the
/// object is let go when every crossing was released.
#[derive(Default)]
struct HandleTable {
    slots: Vec<Slot>,
    counts: Vec<u32>,
    free: Vec<u32>,
    objects: HashMap<JsObject, u32>,
    symbols: HashMap<JsSymbol, u32>,
}

thread_local! {
    static HANDLES: RefCell<HandleTable> = RefCell::new(HandleTable::default());
    /// Guest stand-ins of host symbols, both ways.
    static HOST_SYMBOLS: RefCell<(HashMap<u32, JsSymbol>, HashMap<JsSymbol, u32>)> = RefCell::new(Default::default());
    /// `Error.prototype` and `Promise.prototype` of the main realm and of
    /// "this context": errors and promises under them are the node:vm
    /// layer's own (`vm-error`, `vm-promise`).
    static MAIN_PROTOTYPES: RefCell<Vec<(JsObject, JsObject)>> = const { RefCell::new(Vec::new()) };
    static THIS_GLOBAL: RefCell<Option<(JsObject, HostObjectRef)>> = const { RefCell::new(None) };
}

/// "This context"'s global (a contextified view of the host's global) and
/// the host object it stands for: each crosses as the other, so
/// `runInThisContext('globalThis') === globalThis` on the host.
pub fn set_this_global(proxy: JsObject, host: HostObjectRef) {
    THIS_GLOBAL.with_borrow_mut(|g| *g = Some((proxy, host)));
}

/// Remembers the `Error.prototype` and `Promise.prototype` of a realm whose
/// errors and promises are the node:vm layer's (the main realm's at
/// bootstrap, "this context"'s when it is made).
pub fn add_main_prototypes(error: JsObject, promise: JsObject) {
    MAIN_PROTOTYPES.with_borrow_mut(|p| p.push((error, promise)));
}

fn insert(slot: Slot) -> u32 {
    HANDLES.with_borrow_mut(|table| {
        let existing = match &slot {
            Slot::Object(object) => table.objects.get(object).copied(),
            Slot::Symbol(symbol) => table.symbols.get(symbol).copied(),
            Slot::Free => None,
        };
        if let Some(handle) = existing {
            table.counts[handle as usize] += 1;
            return handle;
        }
        let index = match table.free.pop() {
            Some(index) => index,
            None => {
                table.slots.push(Slot::Free);
                table.counts.push(0);
                (table.slots.len() - 1) as u32
            }
        };
        table.counts[index as usize] = 1;
        match &slot {
            Slot::Object(object) => table.objects.insert(object.clone(), index),
            Slot::Symbol(symbol) => table.symbols.insert(symbol.clone(), index),
            Slot::Free => None,
        };
        table.slots[index as usize] = slot;
        index
    })
}

/// Releases one crossing of each handle listed (a handle may be listed
/// more than once); unknown or already released ones are ignored.
pub fn release(handles: &[u32]) {
    HANDLES.with_borrow_mut(|table| {
        for &handle in handles {
            let Some(count) = table.counts.get_mut(handle as usize) else { continue };
            if *count > 1 {
                *count -= 1;
                continue;
            }
            *count = 0;
            let slot = &mut table.slots[handle as usize];
            match std::mem::replace(slot, Slot::Free) {
                Slot::Object(object) => {
                    table.objects.remove(&object);
                }
                Slot::Symbol(symbol) => {
                    table.symbols.remove(&symbol);
                }
                Slot::Free => continue,
            }
            table.free.push(handle);
        }
    });
}

fn stale(handle: u32) -> JsNativeError {
    JsNativeError::reference().with_message(format!("jsvm: handle {handle} was released or never existed"))
}

/// The object behind a handle.
pub fn object(handle: u32) -> JsResult<JsObject> {
    HANDLES.with_borrow(|table| match table.slots.get(handle as usize) {
        Some(Slot::Object(object)) => Ok(object.clone()),
        _ => Err(stale(handle).into()),
    })
}

fn symbol(handle: u32) -> JsResult<JsSymbol> {
    HANDLES.with_borrow(|table| match table.slots.get(handle as usize) {
        Some(Slot::Symbol(symbol)) => Ok(symbol.clone()),
        _ => Err(stale(handle).into()),
    })
}

/// The well-known symbols, by the name they cross under.
fn well_known() -> [(&'static str, JsSymbol); 15] {
    [
        ("asyncIterator", JsSymbol::async_iterator()),
        ("hasInstance", JsSymbol::has_instance()),
        ("isConcatSpreadable", JsSymbol::is_concat_spreadable()),
        ("iterator", JsSymbol::iterator()),
        ("match", JsSymbol::r#match()),
        ("matchAll", JsSymbol::match_all()),
        ("replace", JsSymbol::replace()),
        ("search", JsSymbol::search()),
        ("species", JsSymbol::species()),
        ("split", JsSymbol::split()),
        ("toPrimitive", JsSymbol::to_primitive()),
        ("toStringTag", JsSymbol::to_string_tag()),
        ("unscopables", JsSymbol::unscopables()),
        ("dispose", JsSymbol::dispose()),
        ("asyncDispose", JsSymbol::async_dispose()),
    ]
}

/// Whether `object` inherits from a main realm's prototype (`pick` chooses
/// which of the realm's two).
fn inherits_main(object: &JsObject, pick: fn(&(JsObject, JsObject)) -> &JsObject) -> bool {
    let mains: Vec<JsObject> = MAIN_PROTOTYPES.with_borrow(|p| p.iter().map(|m| pick(m).clone()).collect());
    let mut current = object.prototype();
    for _ in 0..32 {
        match current {
            Some(prototype) if mains.contains(&prototype) => return true,
            Some(prototype) => current = prototype.prototype(),
            None => return false,
        }
    }
    false
}

fn kind_of(object: &JsObject) -> ObjectKind {
    if object.is_callable() {
        ObjectKind::Function
    } else if object.is_array() {
        ObjectKind::Array
    } else if object.is::<boa_engine::builtins::error::Error>() {
        if inherits_main(object, |m| &m.0) { ObjectKind::VmError } else { ObjectKind::Error }
    } else if object.is::<Promise>() {
        if inherits_main(object, |m| &m.1) { ObjectKind::VmPromise } else { ObjectKind::Promise }
    } else if object.is_ordinary() {
        ObjectKind::Plain
    } else {
        ObjectKind::Other
    }
}

/// `Object.keys(object)` (the main realm's `Object.keys`, which reads any
/// realm's object the same way).
pub fn enumerable_keys(object: &JsObject, context: &mut Context) -> JsResult<Vec<JsString>> {
    let object_constructor = context.intrinsics().constructors().object().constructor();
    let keys_function = object_constructor.get(js_string!("keys"), context)?;
    let keys_function = keys_function.as_callable().ok_or_else(|| JsNativeError::typ().with_message("jsvm: no Object.keys"))?;
    let keys = keys_function.call(&object_constructor.into(), &[object.clone().into()], context)?;
    let keys = JsArray::from_object(keys.as_object().expect("Object.keys returns an array"))?;
    (0..keys.length(context)?).map(|index| keys.get(index, context)?.to_string(context)).collect()
}

/// The host object a guest object stands for (the host's global, or a
/// proxy of a host object), which crosses back as that host object.
fn host_object_of(object: &JsObject, context: &mut Context) -> Option<HostObjectRef> {
    if let Some(host) = THIS_GLOBAL.with_borrow(|g| g.as_ref().filter(|(proxy, _)| proxy == object).map(|(_, h)| h.clone())) {
        return Some(host);
    }
    bootstrap::host_object_id(object, context).map(|(handle, kind)| HostObjectRef { handle, kind })
}

/// Whether `to_wit` would give `object` as an array (`Some(true)`) or an
/// ordinary object (`Some(false)`): what `copy-out` copies.
pub fn copyable(object: &JsObject, context: &mut Context) -> Option<bool> {
    if host_object_of(object, context).is_some() {
        return None;
    }
    match kind_of(object) {
        ObjectKind::Array => Some(true),
        ObjectKind::Plain => Some(false),
        _ => None,
    }
}

fn symbol_to_wit(symbol: JsSymbol, context: &mut Context) -> Value {
    if let Some((name, _)) = well_known().into_iter().find(|(_, s)| s == &symbol) {
        return Value::WellKnownSymbol(name.to_string());
    }
    if let Some(key) = registry_key(&symbol, context) {
        return Value::RegisteredSymbol(key);
    }
    let description = symbol.description().map(|d| d.to_std_string_lossy());
    if let Some(handle) = HOST_SYMBOLS.with_borrow(|(_, by_symbol)| by_symbol.get(&symbol).copied()) {
        return Value::HostSymbol(HostSymbolRef { handle, description });
    }
    Value::Symbol(SymbolRef { handle: insert(Slot::Symbol(symbol)), description })
}

/// `Symbol.keyFor(symbol)`: the key of a symbol of the shared registry.
fn registry_key(symbol: &JsSymbol, context: &mut Context) -> Option<String> {
    let constructor = context.intrinsics().constructors().symbol().constructor();
    let key_for = constructor.get(js_string!("keyFor"), context).ok()?;
    let key = key_for.as_callable()?.call(&constructor.into(), &[symbol.clone().into()], context).ok()?;
    key.as_string().map(|k| k.to_std_string_lossy())
}

/// `Symbol.for(key)`.
fn registered_symbol(key: &str, context: &mut Context) -> JsResult<JsValue> {
    let constructor = context.intrinsics().constructors().symbol().constructor();
    let symbol_for = constructor.get(js_string!("for"), context)?;
    let symbol_for = symbol_for.as_callable().ok_or_else(|| JsNativeError::typ().with_message("jsvm: no Symbol.for"))?;
    symbol_for.call(&constructor.into(), &[JsString::from(key).into()], context)
}

/// Converts a guest value for the host, registering objects and symbols.
pub fn to_wit(value: &JsValue, context: &mut Context) -> Value {
    match value.variant() {
        JsVariant::Undefined => Value::Undefined,
        JsVariant::Null => Value::Null,
        JsVariant::Boolean(b) => Value::Boolean(b),
        JsVariant::Integer32(i) => Value::Number(f64::from(i)),
        JsVariant::Float64(f) => Value::Number(f),
        JsVariant::String(s) => Value::String(s.to_std_string_lossy()),
        JsVariant::BigInt(b) => Value::Bigint(b.to_string_radix(10)),
        JsVariant::Symbol(s) => symbol_to_wit(s, context),
        JsVariant::Object(o) => {
            if let Some(host) = host_object_of(&o, context) {
                return Value::HostObject(host);
            }
            if let Some(bytes) = crate::bytes::to_wit(&o, context) {
                return Value::Bytes(bytes);
            }
            let kind = kind_of(&o);
            Value::Object(ObjectRef { handle: insert(Slot::Object(o)), kind })
        }
    }
}

/// The guest stand-in of host symbol `handle`, made once.
fn host_symbol(reference: HostSymbolRef) -> JsResult<JsSymbol> {
    if let Some(symbol) = HOST_SYMBOLS.with_borrow(|(by_handle, _)| by_handle.get(&reference.handle).cloned()) {
        return Ok(symbol);
    }
    let symbol = JsSymbol::new(reference.description.map(|d| JsString::from(d.as_str())))
        .ok_or_else(|| JsNativeError::range().with_message("jsvm: out of symbols"))?;
    HOST_SYMBOLS.with_borrow_mut(|(by_handle, by_symbol)| {
        by_handle.insert(reference.handle, symbol.clone());
        by_symbol.insert(symbol.clone(), reference.handle);
    });
    Ok(symbol)
}

/// Converts a host value into the guest.
pub fn from_wit(value: Value, context: &mut Context) -> JsResult<JsValue> {
    Ok(match value {
        Value::Undefined => JsValue::undefined(),
        Value::Null => JsValue::null(),
        Value::Boolean(b) => JsValue::from(b),
        Value::Number(n) => JsValue::from(n),
        Value::String(s) => JsValue::from(JsString::from(s.as_str())),
        Value::Bigint(digits) => JsValue::from(
            JsBigInt::from_string(&digits)
                .ok_or_else(|| JsNativeError::syntax().with_message(format!("invalid BigInt digits: {digits}")))?,
        ),
        Value::Symbol(s) => JsValue::from(symbol(s.handle)?),
        Value::WellKnownSymbol(name) => {
            let found = well_known().into_iter().find(|(n, _)| *n == name).map(|(_, s)| s);
            JsValue::from(found.ok_or_else(|| JsNativeError::typ().with_message(format!("jsvm: no well-known symbol {name}")))?)
        }
        Value::HostSymbol(reference) => JsValue::from(host_symbol(reference)?),
        Value::RegisteredSymbol(key) => registered_symbol(&key, context)?,
        Value::Object(o) => JsValue::from(object(o.handle)?),
        Value::Bytes(bytes) => crate::bytes::from_wit(bytes, context)?,
        Value::HostObject(reference) if reference.kind == ObjectKind::Promise => {
            crate::host_promises::promise_for(reference.handle, context)
        }
        Value::HostObject(reference) => {
            let this_global = THIS_GLOBAL.with_borrow(|g| g.as_ref().filter(|(_, h)| h.handle == reference.handle).map(|(p, _)| p.clone()));
            match this_global {
                Some(proxy) => proxy.into(),
                None => bootstrap::host_object(reference.handle, reference.kind, context)?,
            }
        }
    })
}

/// Whether converting `value` makes an object that belongs to a realm (a
/// host object's proxy, a byte array); primitives and the guest's own
/// objects do not.
pub fn made_in_realm(value: &Value) -> bool {
    matches!(value, Value::HostObject(_) | Value::Bytes(_))
}

/// The values a descriptor from the host carries.
pub fn descriptor_values(descriptor: &PropertyDescriptor) -> impl Iterator<Item = &Value> {
    [&descriptor.value, &descriptor.getter, &descriptor.setter].into_iter().flatten()
}

/// Converts a list of host values into the guest.
pub fn from_wit_list(values: Vec<Value>, context: &mut Context) -> JsResult<Vec<JsValue>> {
    values.into_iter().map(|v| from_wit(v, context)).collect()
}

/// A property key from the host: a string or a symbol.
pub fn key_from_wit(key: Value, context: &mut Context) -> JsResult<PropertyKey> {
    match from_wit(key, context)?.variant() {
        JsVariant::String(s) => Ok(PropertyKey::from(s)),
        JsVariant::Symbol(s) => Ok(PropertyKey::from(s)),
        JsVariant::Integer32(i) => Ok(PropertyKey::from(i)),
        _ => Err(JsNativeError::typ().with_message("jsvm: a property key is a string or a symbol").into()),
    }
}

/// A property key from the host, as a string or symbol value.
pub fn key_to_js(key: Value, context: &mut Context) -> JsResult<JsValue> {
    Ok(match key_from_wit(key, context)? {
        PropertyKey::String(s) => s.into(),
        PropertyKey::Symbol(s) => s.into(),
        PropertyKey::Index(i) => JsString::from(i.get().to_string().as_str()).into(),
    })
}

/// A property key as the host sees it.
pub fn key_to_wit(key: &JsValue, context: &mut Context) -> Value {
    to_wit(key, context)
}

/// A descriptor object (or undefined) as the WIT record.
pub fn descriptor_to_wit(descriptor: &JsValue, context: &mut Context) -> JsResult<Option<PropertyDescriptor>> {
    let Some(object) = descriptor.as_object() else { return Ok(None) };
    let field = |name: &str, context: &mut Context| -> JsResult<Option<JsValue>> {
        let key = JsString::from(name);
        if object.has_property(key.clone(), context)? { Ok(Some(object.get(key, context)?)) } else { Ok(None) }
    };
    Ok(Some(PropertyDescriptor {
        value: field("value", context)?.map(|v| to_wit(&v, context)),
        writable: field("writable", context)?.map(|v| v.to_boolean()),
        getter: field("get", context)?.map(|v| to_wit(&v, context)),
        setter: field("set", context)?.map(|v| to_wit(&v, context)),
        enumerable: field("enumerable", context)?.map(|v| v.to_boolean()),
        configurable: field("configurable", context)?.map(|v| v.to_boolean()),
    }))
}

/// The WIT record as a descriptor object of the current realm.
pub fn descriptor_from_wit(descriptor: PropertyDescriptor, context: &mut Context) -> JsResult<JsObject> {
    let object = JsObject::with_object_proto(context.intrinsics());
    let values = [("value", descriptor.value), ("get", descriptor.getter), ("set", descriptor.setter)];
    for (name, value) in values {
        if let Some(value) = value {
            let value = from_wit(value, context)?;
            object.set(JsString::from(name), value, true, context)?;
        }
    }
    let flags = [("writable", descriptor.writable), ("enumerable", descriptor.enumerable), ("configurable", descriptor.configurable)];
    for (name, flag) in flags {
        if let Some(flag) = flag {
            object.set(JsString::from(name), flag, true, context)?;
        }
    }
    Ok(object)
}

/// The callable behind a handle.
pub fn function(handle: u32) -> JsResult<JsFunction> {
    JsFunction::from_object(object(handle)?)
        .ok_or_else(|| JsNativeError::typ().with_message("jsvm: the handle is not a function").into())
}
