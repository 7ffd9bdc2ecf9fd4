//! Values crossing the WIT boundary: primitives by value, guest objects and
//! symbols by handle in a table that keeps them alive until released, and
//! host objects as proxies made by the bootstrap's `hostObject`.

use std::cell::RefCell;

use boa_engine::{
    Context, JsBigInt, JsNativeError, JsObject, JsResult, JsString, JsSymbol, JsValue,
    builtins::promise::Promise, object::builtins::JsFunction, value::JsVariant,
};

use crate::bootstrap;
use crate::jsvm::vm::types::{ObjectKind, ObjectRef, SymbolRef, Value};

/// A slot of the handle table.
enum Slot {
    Object(JsObject),
    Symbol(JsSymbol),
    Free,
}

/// Guest objects and symbols the host holds, by index.
#[derive(Default)]
struct HandleTable {
    slots: Vec<Slot>,
    free: Vec<u32>,
}

thread_local! {
    static HANDLES: RefCell<HandleTable> = RefCell::new(HandleTable::default());
}

fn insert(slot: Slot) -> u32 {
    HANDLES.with_borrow_mut(|table| match table.free.pop() {
        Some(index) => {
            table.slots[index as usize] = slot;
            index
        }
        None => {
            table.slots.push(slot);
            (table.slots.len() - 1) as u32
        }
    })
}

/// Drops the given handles; unknown or already released ones are ignored.
pub fn release(handles: &[u32]) {
    HANDLES.with_borrow_mut(|table| {
        for &handle in handles {
            if let Some(slot) = table.slots.get_mut(handle as usize)
                && !matches!(slot, Slot::Free)
            {
                *slot = Slot::Free;
                table.free.push(handle);
            }
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

fn kind_of(object: &JsObject) -> ObjectKind {
    if object.is_callable() {
        ObjectKind::Function
    } else if object.is_array() {
        ObjectKind::Array
    } else if object.is::<boa_engine::builtins::error::Error>() {
        ObjectKind::Error
    } else if object.is::<Promise>() {
        ObjectKind::Promise
    } else if object.is_ordinary() {
        ObjectKind::Plain
    } else {
        ObjectKind::Other
    }
}

/// Converts a guest value for the host, registering objects and symbols.
pub fn to_wit(value: &JsValue) -> Value {
    match value.variant() {
        JsVariant::Undefined => Value::Undefined,
        JsVariant::Null => Value::Null,
        JsVariant::Boolean(b) => Value::Boolean(b),
        JsVariant::Integer32(i) => Value::Number(f64::from(i)),
        JsVariant::Float64(f) => Value::Number(f),
        JsVariant::String(s) => Value::String(s.to_std_string_lossy()),
        JsVariant::BigInt(b) => Value::Bigint(b.to_string_radix(10)),
        JsVariant::Symbol(s) => {
            let description = s.description().map(|d| d.to_std_string_lossy());
            Value::Symbol(SymbolRef { handle: insert(Slot::Symbol(s)), description })
        }
        JsVariant::Object(o) => {
            if let Some(id) = bootstrap::host_object_id(&o) {
                return Value::HostObject(id);
            }
            let kind = kind_of(&o);
            Value::Object(ObjectRef { handle: insert(Slot::Object(o)), kind })
        }
    }
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
        Value::Object(o) => JsValue::from(object(o.handle)?),
        Value::HostObject(id) => bootstrap::host_object(id, context)?,
    })
}

/// Converts a list of host values into the guest.
pub fn from_wit_list(values: Vec<Value>, context: &mut Context) -> JsResult<Vec<JsValue>> {
    values.into_iter().map(|v| from_wit(v, context)).collect()
}

/// The callable behind a handle.
pub fn function(handle: u32) -> JsResult<JsFunction> {
    JsFunction::from_object(object(handle)?)
        .ok_or_else(|| JsNativeError::typ().with_message("jsvm: the handle is not a function").into())
}
