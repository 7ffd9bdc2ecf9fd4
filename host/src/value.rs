//! JavaScript values on the host side. Primitives are plain Rust data;
//! objects and symbols are handles into the guest that keep their target
//! alive until the last clone is dropped.

use std::fmt;
use std::sync::{Arc, Mutex};

use wasmtime::component::ResourceAny;

use crate::bindings::wit;

/// Guest handles and resources whose Rust owners were dropped; the Vm
/// releases them on its next call (a `Drop` has no access to the store).
#[derive(Clone)]
pub(crate) struct Releaser {
    pending: Arc<Mutex<Pending>>,
    /// The Vm whose state this is (see [`HostFunction`]).
    vm: u64,
}

#[derive(Default)]
pub(crate) struct Pending {
    pub handles: Vec<u32>,
    pub resources: Vec<ResourceAny>,
}

impl Releaser {
    /// The releaser of a new state of the Vm numbered `vm`.
    pub(crate) fn new(vm: u64) -> Releaser {
        Releaser { pending: Arc::default(), vm }
    }

    fn push_handle(&self, handle: u32) {
        if let Ok(mut pending) = self.pending.lock() {
            pending.handles.push(handle);
        }
    }

    pub(crate) fn push_resource(&self, resource: ResourceAny) {
        if let Ok(mut pending) = self.pending.lock() {
            pending.resources.push(resource);
        }
    }

    /// Takes everything waiting to be released.
    pub(crate) fn take(&self) -> Pending {
        self.pending.lock().map(|mut p| std::mem::take(&mut *p)).unwrap_or_default()
    }

    /// Whether two releasers belong to the same Vm state.
    pub(crate) fn same(&self, other: &Releaser) -> bool {
        Arc::ptr_eq(&self.pending, &other.pending)
    }
}

/// A guest handle shared by clones; released when the last clone drops.
struct Handle {
    handle: u32,
    releaser: Releaser,
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.releaser.push_handle(self.handle);
    }
}

/// What kind of object a handle refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    /// An ordinary object.
    Plain,
    /// An array.
    Array,
    /// A function (callable).
    Function,
    /// An `Error` (or subclass) instance.
    Error,
    /// A promise.
    Promise,
    /// Anything else: Map, Date, Proxy, typed array...
    Other,
}

/// A JavaScript object living in a Vm, by handle: identity and mutation are
/// shared with the guest. Operations go through the [`crate::Vm`] it came from.
#[derive(Clone)]
pub struct Object {
    inner: Arc<Handle>,
    kind: ObjectKind,
}

impl Object {
    /// What kind of object this is.
    pub fn kind(&self) -> ObjectKind {
        self.kind
    }

    /// Whether this object can be called.
    pub fn is_function(&self) -> bool {
        self.kind == ObjectKind::Function
    }

    /// Whether both are the same handle (clones of one crossing).
    pub(crate) fn same_handle(&self, other: &Object) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    pub(crate) fn handle(&self) -> u32 {
        self.inner.handle
    }
}

impl fmt::Debug for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Object({:?} #{})", self.kind, self.inner.handle)
    }
}

impl PartialEq for Object {
    /// The same guest object (the guest gives each object one handle).
    fn eq(&self, other: &Self) -> bool {
        self.inner.handle == other.inner.handle && self.inner.releaser.same(&other.inner.releaser)
    }
}

/// How a symbol crosses.
#[derive(Clone)]
enum SymbolRef {
    /// A guest symbol, by handle.
    Guest(Arc<Handle>),
    /// A well-known symbol (`iterator`, ...), by name.
    WellKnown(String),
    /// A symbol a host made, by its host handle.
    Host(u32),
    /// `Symbol.for(key)`, by its key.
    Registered(String),
}

/// A JavaScript symbol (identity is kept).
#[derive(Clone)]
pub struct Symbol {
    inner: SymbolRef,
    description: Option<String>,
}

impl Symbol {
    /// The symbol's description, if it has one.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Symbol({})", self.description.as_deref().unwrap_or(""))
    }
}

/// Which binary object a [`Bytes`] value is (`Uint8Array`, `ArrayBuffer`...).
pub type ByteKind = wit::ByteKind;

/// An `ArrayBuffer`, `DataView` or typed array, by value: binary objects
/// cross the boundary as copies of their bytes (a view: only its own bytes).
#[derive(Clone, Debug, PartialEq)]
pub struct Bytes {
    /// Which kind of object it is, on either side.
    pub kind: ByteKind,
    /// Its bytes, in the guest's (little-endian) order.
    pub data: Vec<u8>,
}

impl Bytes {
    /// A `Uint8Array` holding `data`.
    pub fn uint8_array(data: impl Into<Vec<u8>>) -> Bytes {
        Bytes { kind: ByteKind::Uint8Array, data: data.into() }
    }
}

/// A host function registered with [`crate::Vm::function`], usable as a
/// value in that Vm (another Vm refuses it: its numbers name other
/// functions there).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostFunction {
    /// Its index among the Vm's host functions.
    pub(crate) index: u32,
    /// The Vm that registered it.
    pub(crate) vm: u64,
}

/// A JavaScript value.
#[derive(Clone, Debug)]
pub enum Value {
    /// `undefined`.
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number (-0 and NaN included).
    Number(f64),
    /// A BigInt, as decimal digits.
    BigInt(String),
    /// A string.
    String(String),
    /// A symbol.
    Symbol(Symbol),
    /// A binary object, copied (see [`Bytes`]).
    Bytes(Bytes),
    /// A guest object.
    Object(Object),
    /// A host function.
    HostFunction(HostFunction),
}

impl Value {
    pub(crate) fn from_wit(value: wit::Value, releaser: &Releaser) -> Value {
        let handle = |handle| Arc::new(Handle { handle, releaser: releaser.clone() });
        match value {
            wit::Value::Undefined => Value::Undefined,
            wit::Value::Null => Value::Null,
            wit::Value::Boolean(b) => Value::Bool(b),
            wit::Value::Number(n) => Value::Number(n),
            wit::Value::Bigint(b) => Value::BigInt(b),
            wit::Value::String(s) => Value::String(s),
            wit::Value::Symbol(s) => Value::Symbol(Symbol { inner: SymbolRef::Guest(handle(s.handle)), description: s.description }),
            wit::Value::WellKnownSymbol(name) => {
                let description = Some(format!("Symbol.{name}"));
                Value::Symbol(Symbol { inner: SymbolRef::WellKnown(name), description })
            }
            wit::Value::HostSymbol(s) => Value::Symbol(Symbol { inner: SymbolRef::Host(s.handle), description: s.description }),
            wit::Value::RegisteredSymbol(key) => Value::Symbol(Symbol { description: Some(key.clone()), inner: SymbolRef::Registered(key) }),
            wit::Value::Object(o) => Value::Object(Object { inner: handle(o.handle), kind: o.kind.into() }),
            wit::Value::HostObject(o) => Value::HostFunction(HostFunction { index: o.handle, vm: releaser.vm }),
            wit::Value::Bytes(b) => Value::Bytes(Bytes { kind: b.kind, data: b.data }),
        }
    }

    pub(crate) fn into_wit(self) -> wit::Value {
        match self {
            Value::Undefined => wit::Value::Undefined,
            Value::Null => wit::Value::Null,
            Value::Bool(b) => wit::Value::Boolean(b),
            Value::Number(n) => wit::Value::Number(n),
            Value::BigInt(b) => wit::Value::Bigint(b),
            Value::String(s) => wit::Value::String(s),
            Value::Symbol(s) => match s.inner {
                SymbolRef::Guest(h) => wit::Value::Symbol(wit::SymbolRef { handle: h.handle, description: s.description }),
                SymbolRef::WellKnown(name) => wit::Value::WellKnownSymbol(name),
                SymbolRef::Host(handle) => wit::Value::HostSymbol(wit::HostSymbolRef { handle, description: s.description }),
                SymbolRef::Registered(key) => wit::Value::RegisteredSymbol(key),
            },
            Value::Object(o) => wit::Value::Object(wit::ObjectRef { handle: o.inner.handle, kind: o.kind.into() }),
            Value::HostFunction(HostFunction { index, .. }) => {
                wit::Value::HostObject(wit::HostObjectRef { handle: index, kind: wit::ObjectKind::Function })
            }
            Value::Bytes(b) => wit::Value::Bytes(wit::ByteArray { kind: b.kind, data: b.data }),
        }
    }

    /// The releaser of the Vm state a handle value belongs to, if it is one.
    pub(crate) fn releaser(&self) -> Option<&Releaser> {
        match self {
            Value::Object(o) => Some(&o.inner.releaser),
            Value::Symbol(Symbol { inner: SymbolRef::Guest(h), .. }) => Some(&h.releaser),
            _ => None,
        }
    }

    /// The name of this value's type, as `typeof` would say.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Undefined => "undefined",
            Value::Null => "object",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::BigInt(_) => "bigint",
            Value::String(_) => "string",
            Value::Symbol(_) => "symbol",
            Value::Object(o) if o.is_function() => "function",
            Value::Object(_) | Value::Bytes(_) => "object",
            Value::HostFunction(_) => "function",
        }
    }
}

impl From<wit::ObjectKind> for ObjectKind {
    fn from(kind: wit::ObjectKind) -> Self {
        match kind {
            wit::ObjectKind::Plain => ObjectKind::Plain,
            wit::ObjectKind::Array => ObjectKind::Array,
            wit::ObjectKind::Function => ObjectKind::Function,
            // Which realm an error comes from does not change what a Rust
            // host can do with it.
            wit::ObjectKind::Error | wit::ObjectKind::VmError => ObjectKind::Error,
            wit::ObjectKind::Promise | wit::ObjectKind::VmPromise => ObjectKind::Promise,
            wit::ObjectKind::Other => ObjectKind::Other,
        }
    }
}

impl From<ObjectKind> for wit::ObjectKind {
    fn from(kind: ObjectKind) -> Self {
        match kind {
            ObjectKind::Plain => wit::ObjectKind::Plain,
            ObjectKind::Array => wit::ObjectKind::Array,
            ObjectKind::Function => wit::ObjectKind::Function,
            ObjectKind::Error => wit::ObjectKind::Error,
            ObjectKind::Promise => wit::ObjectKind::Promise,
            ObjectKind::Other => wit::ObjectKind::Other,
        }
    }
}

macro_rules! from_primitive {
    ($($t:ty => |$v:ident| $e:expr),* $(,)?) => {
        $(impl From<$t> for Value {
            fn from($v: $t) -> Self { $e }
        })*
    };
}

from_primitive! {
    bool => |v| Value::Bool(v),
    f64 => |v| Value::Number(v),
    i32 => |v| Value::Number(f64::from(v)),
    u32 => |v| Value::Number(f64::from(v)),
    &str => |v| Value::String(v.to_owned()),
    String => |v| Value::String(v),
    Object => |v| Value::Object(v),
    HostFunction => |v| Value::HostFunction(v),
    Bytes => |v| Value::Bytes(v),
    () => |_v| Value::Undefined,
}

/// Why a [`Value`] could not become the Rust type asked for.
#[derive(Debug, thiserror::Error)]
#[error("expected {expected}, got a JavaScript {got}")]
pub struct TypeMismatch {
    /// The Rust-side expectation.
    pub expected: &'static str,
    /// `typeof` of the value received.
    pub got: &'static str,
}

/// Conversion from a JavaScript value, used by [`crate::Vm::eval`].
pub trait FromValue: Sized {
    /// Converts, or says why it cannot.
    fn from_value(value: Value) -> Result<Self, TypeMismatch>;
}

impl FromValue for Value {
    fn from_value(value: Value) -> Result<Self, TypeMismatch> {
        Ok(value)
    }
}

impl FromValue for f64 {
    fn from_value(value: Value) -> Result<Self, TypeMismatch> {
        match value {
            Value::Number(n) => Ok(n),
            other => Err(TypeMismatch { expected: "a number", got: other.type_name() }),
        }
    }
}

impl FromValue for i64 {
    fn from_value(value: Value) -> Result<Self, TypeMismatch> {
        match value {
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 => Ok(n as i64),
            other => Err(TypeMismatch { expected: "an integer", got: other.type_name() }),
        }
    }
}

impl FromValue for bool {
    fn from_value(value: Value) -> Result<Self, TypeMismatch> {
        match value {
            Value::Bool(b) => Ok(b),
            other => Err(TypeMismatch { expected: "a boolean", got: other.type_name() }),
        }
    }
}

impl FromValue for String {
    fn from_value(value: Value) -> Result<Self, TypeMismatch> {
        match value {
            Value::String(s) => Ok(s),
            other => Err(TypeMismatch { expected: "a string", got: other.type_name() }),
        }
    }
}

impl FromValue for Object {
    fn from_value(value: Value) -> Result<Self, TypeMismatch> {
        match value {
            Value::Object(o) => Ok(o),
            other => Err(TypeMismatch { expected: "an object", got: other.type_name() }),
        }
    }
}

impl FromValue for () {
    fn from_value(value: Value) -> Result<Self, TypeMismatch> {
        match value {
            Value::Undefined => Ok(()),
            other => Err(TypeMismatch { expected: "undefined", got: other.type_name() }),
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value) -> Result<Self, TypeMismatch> {
        match value {
            Value::Undefined | Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}
