//! Errors of the host API: a JavaScript exception with Node's fields, a lost
//! VM state after a trap, a handle from a lost state, or an engine failure.

use std::fmt;

use crate::bindings::wit;
use crate::value::{Releaser, Value};

/// A JavaScript exception, as Node would describe it.
#[derive(Clone, Debug)]
pub struct JsException {
    /// The error's `name` (`TypeError`, ...); `Error` for thrown non-errors.
    pub name: String,
    /// The error's `message`.
    pub message: String,
    /// The Node-style stack: `Name: message` then `    at ...` lines.
    pub stack: String,
    /// Node's error `code` (`ERR_INVALID_ARG_TYPE`, ...), when there is one.
    pub code: Option<String>,
    /// The thrown value itself.
    pub value: Value,
}

impl JsException {
    /// A new exception to throw from a host function: the guest sees an
    /// `Error` with this name and message.
    pub fn new(name: impl Into<String>, message: impl Into<String>) -> Self {
        let name = name.into();
        let message = message.into();
        JsException { stack: format!("{name}: {message}"), name, message, code: None, value: Value::Undefined }
    }

    /// The same exception with Node's error `code`, which Node also shows
    /// in the stack's first line (`Error [ERR_X]: message`).
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        let code = code.into();
        if self.stack == format!("{}: {}", self.name, self.message) {
            self.stack = format!("{} [{code}]: {}", self.name, self.message);
        }
        self.code = Some(code);
        self
    }

    pub(crate) fn from_wit(error: wit::JsError, releaser: &Releaser) -> Self {
        JsException {
            name: error.name,
            message: error.message,
            stack: error.stack,
            code: error.code,
            value: Value::from_wit(error.thrown, releaser),
        }
    }

    pub(crate) fn into_wit(self) -> wit::JsError {
        wit::JsError {
            name: self.name,
            message: self.message,
            stack: self.stack,
            code: self.code,
            thrown: self.value.into_wit(),
        }
    }
}

impl fmt::Display for JsException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.stack)
    }
}

impl std::error::Error for JsException {}

/// Everything a [`crate::Vm`] call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The script threw.
    #[error("{0}")]
    Js(JsException),
    /// The guest trapped (stack overflow, memory limit, a stuck native loop
    /// stopped by force, an engine panic). The Vm was rebuilt from scratch:
    /// its contexts, scripts and objects are gone; the Vm itself is usable.
    #[error("the VM's state was lost and rebuilt after a trap: {reason}")]
    StateLost {
        /// What the trap was.
        reason: String,
        /// Node's code for the cause, where there is one:
        /// `ERR_VM_MEMORY_LIMIT`, or `ERR_SCRIPT_EXECUTION_TIMEOUT` /
        /// `ERR_SCRIPT_EXECUTION_INTERRUPTED` for a stop that had to be forced.
        code: Option<&'static str>,
    },
    /// A context, script, object or host function from a state that was
    /// lost, or from another Vm, was used.
    #[error("this {what} belongs to another VM, or to a VM state that no longer exists")]
    Stale {
        /// `context`, `script`, `object` or `host function`.
        what: &'static str,
    },
    /// A value had another type than the one asked for.
    #[error(transparent)]
    Type(#[from] crate::value::TypeMismatch),
    /// The engine could not be set up.
    #[error("engine error: {0}")]
    Engine(String),
}

impl Error {
    /// Node's error `code`, if any: of a JavaScript exception, or of the
    /// cause of a lost state.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Js(e) => e.code.as_deref(),
            Error::StateLost { code, .. } => *code,
            _ => None,
        }
    }

    /// The JavaScript exception, if this is one.
    pub fn as_js(&self) -> Option<&JsException> {
        match self {
            Error::Js(e) => Some(e),
            _ => None,
        }
    }
}

/// Result of the host API.
pub type Result<T, E = Error> = std::result::Result<T, E>;
