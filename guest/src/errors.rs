//! JavaScript exceptions as the host sees them: one record for every API.

use boa_engine::{Context, JsError, JsValue, js_string};

use crate::jsvm::vm::types::{JsError as WitError, Value};
use crate::values;

/// Reads a property as a string, if it is one; getters that throw yield None.
fn string_property(object: &boa_engine::JsObject, key: &str, context: &mut Context) -> Option<String> {
    let value = object.get(js_string!(key), context).ok()?;
    value.as_string().map(|s| s.to_std_string_lossy())
}

/// Converts a thrown value (or an engine failure) into the WIT record.
pub fn to_wit(error: JsError, context: &mut Context) -> WitError {
    let thrown = match error.into_opaque(context) {
        Ok(value) => value,
        Err(engine) => {
            // Engine failures (runtime limits) have no JS object: report them
            // as Node reports a stack overflow.
            let message = engine.to_string();
            return WitError {
                name: "RangeError".into(),
                stack: format!("RangeError: {message}"),
                message,
                code: None,
                thrown: Value::Undefined,
            };
        }
    };
    from_thrown(&thrown, context)
}

/// Describes a thrown JS value.
pub fn from_thrown(thrown: &JsValue, context: &mut Context) -> WitError {
    if let Some(object) = thrown.as_object() {
        let name = string_property(&object, "name", context).unwrap_or_else(|| "Error".into());
        let message = string_property(&object, "message", context).unwrap_or_default();
        let stack = string_property(&object, "stack", context)
            .unwrap_or_else(|| if message.is_empty() { name.clone() } else { format!("{name}: {message}") });
        let code = string_property(&object, "code", context);
        return WitError { name, message, stack, code, thrown: values::to_wit(thrown, context) };
    }
    let message = thrown
        .to_string(context)
        .map(|s| s.to_std_string_lossy())
        .unwrap_or_else(|_| "<value that cannot be converted to a string>".into());
    WitError {
        name: "Error".into(),
        stack: format!("Uncaught {message}"),
        message,
        code: None,
        thrown: values::to_wit(thrown, context),
    }
}

/// Turns an error reported by the host into a value thrown in the guest:
/// the host's own thrown value when it has one, else a guest error of the
/// reported class with its `code`.
pub fn from_wit(error: WitError, context: &mut Context) -> JsError {
    if !matches!(error.thrown, Value::Undefined)
        && let Ok(value) = values::from_wit(error.thrown, context)
    {
        return JsError::from_opaque(value);
    }
    // The host's own frames (the host function that threw, down to where
    // it was called from the guest) go on top of the guest's, as one
    // stack would read in Node.
    host_error(&error.name, &error.message, error.code.as_deref(), &error.stack, context)
}

/// A guest error of class `name` (`TypeError`, ...) with Node's `code`,
/// which its stack's first line shows as Node does (`TypeError [CODE]: ...`).
pub fn coded(name: &str, message: &str, code: Option<&str>, context: &mut Context) -> JsError {
    host_error(name, message, code, "", context)
}

/// `hostError(name, message, code, hostStack, Base)` of `js/errors.js`: a
/// guest error whose stack starts with the frames of `host_stack`, if any.
/// It is made with the current realm's constructor for `name` (else its
/// `Error`): an error a host function throws into a context is that
/// context's own, so nothing reached from it leads to another realm.
fn host_error(name: &str, message: &str, code: Option<&str>, host_stack: &str, context: &mut Context) -> JsError {
    let constructors = context.intrinsics().constructors();
    let base = match name {
        "TypeError" => constructors.type_error(),
        "RangeError" => constructors.range_error(),
        "SyntaxError" => constructors.syntax_error(),
        "ReferenceError" => constructors.reference_error(),
        "EvalError" => constructors.eval_error(),
        "URIError" => constructors.uri_error(),
        _ => constructors.error(),
    }
    .constructor();
    let args = [
        boa_engine::JsString::from(name).into(),
        boa_engine::JsString::from(message).into(),
        code.map_or(JsValue::undefined(), |c| boa_engine::JsString::from(c).into()),
        boa_engine::JsString::from(host_stack).into(),
        base.into(),
    ];
    match crate::bootstrap::get().host_error.call(&JsValue::undefined(), &args, context) {
        Ok(object) => JsError::from_opaque(object),
        Err(failure) => failure,
    }
}
