//! Host promises: a host object of kind `promise` (an async host
//! function's result, or any host promise passed in) is, in the guest, a
//! pending promise of the realm it first arrives in, one per host handle.
//! The host settles it later with `vm.settle-host-promise`; guest code
//! that awaits it then goes on, in the same call's promise jobs.

use std::cell::RefCell;
use std::collections::HashMap;

use boa_engine::object::builtins::JsPromise;
use boa_engine::{Context, JsResult, JsValue, builtins::promise::ResolvingFunctions, realm::Realm};

use crate::jsvm::vm::types::{JsError as WitError, Value};
use crate::{errors, natives, values};

struct Pending {
    promise: JsPromise,
    functions: ResolvingFunctions,
    realm: Realm,
}

thread_local! {
    // Host promises not yet settled, by host handle. (Their promises stay
    // alive while listed: the host still holds its side and will settle it.)
    static PENDING: RefCell<HashMap<u32, Pending>> = RefCell::new(HashMap::new());
}

/// The guest promise standing for host promise `handle`, made in the
/// current realm when it first crosses.
pub fn promise_for(handle: u32, context: &mut Context) -> JsValue {
    if let Some(promise) = PENDING.with_borrow(|p| p.get(&handle).map(|p| p.promise.clone())) {
        return promise.into();
    }
    let (promise, functions) = JsPromise::new_pending(context);
    let realm = context.realm().clone();
    PENDING.with_borrow_mut(|p| p.insert(handle, Pending { promise: promise.clone(), functions, realm }));
    promise.into()
}

/// Settles host promise `handle` with the host's outcome (a value, or an
/// error made an error of the promise's realm). Unknown handles are ignored.
pub fn settle(handle: u32, outcome: Result<Value, WitError>, context: &mut Context) -> JsResult<()> {
    let Some(pending) = PENDING.with_borrow_mut(|p| p.remove(&handle)) else { return Ok(()) };
    natives::in_realm(&pending.realm, context, |context| {
        match outcome {
            Ok(value) => {
                let value = values::from_wit(value, context)?;
                pending.functions.resolve.call(&JsValue::undefined(), &[value], context)?;
            }
            Err(error) => {
                let error = errors::from_wit(error, context).into_opaque(context)?;
                pending.functions.reject.call(&JsValue::undefined(), &[error], context)?;
            }
        }
        Ok(())
    })
}
