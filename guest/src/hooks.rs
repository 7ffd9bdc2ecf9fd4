//! Boa host hooks: how a realm gets its global object, whether a realm may
//! compile strings, and which promise rejections are left unhandled.

use std::cell::{Cell, RefCell};

use boa_gc::{Finalize, Trace};

use boa_engine::{
    JsData, Context, JsNativeError, JsObject, JsResult, JsString,
    builtins::promise::OperationType,
    context::{HostHooks, intrinsics::Intrinsics},
    realm::Realm,
};

/// Per-realm settings, stored in the realm's host-defined slot.
#[derive(Clone, Copy, Trace, Finalize, JsData)]
#[boa_gc(empty_trace)]
pub struct RealmSettings {
    /// `codeGeneration.strings`: `eval` and the `Function` constructors.
    pub allow_strings: bool,
    /// `microtaskMode: 'afterEvaluate'`: the realm's promise jobs go to a
    /// queue of its own, drained at the end of each run in it.
    pub own_job_queue: bool,
}

/// The guest's [`HostHooks`].
#[derive(Default)]
pub struct Hooks {
    /// Whether the next realm's global is a contextified one
    /// (`contextify.rs`); reset by `create_global_object`.
    next_contextified: Cell<bool>,
    /// Promises rejected with no handler yet, in rejection order.
    unhandled: RefCell<Vec<JsObject>>,
}

impl Hooks {
    /// Makes the next realm created get a contextified global.
    pub fn set_next_contextified(&self, contextified: bool) {
        self.next_contextified.set(contextified);
    }

    /// Takes the promises whose rejection is still unhandled.
    pub fn take_unhandled(&self) -> Vec<JsObject> {
        std::mem::take(&mut *self.unhandled.borrow_mut())
    }
}

impl HostHooks for Hooks {
    fn create_global_object(&self, intrinsics: &Intrinsics) -> JsObject {
        if self.next_contextified.replace(false) {
            crate::contextify::new_global(intrinsics)
        } else {
            JsObject::with_object_proto(intrinsics)
        }
    }

    fn ensure_can_compile_strings(
        &self,
        realm: Realm,
        _parameters: &[JsString],
        _body: &JsString,
        _direct: bool,
        _context: &mut Context,
    ) -> JsResult<()> {
        let allowed = realm
            .host_defined()
            .get::<RealmSettings>()
            .is_none_or(|settings| settings.allow_strings);
        if allowed {
            Ok(())
        } else {
            Err(JsNativeError::eval()
                .with_message("Code generation from strings disallowed for this context")
                .into())
        }
    }

    fn promise_rejection_tracker(
        &self,
        promise: &JsObject<boa_engine::builtins::promise::Promise>,
        operation: OperationType,
        _context: &mut Context,
    ) {
        let promise = promise.clone().upcast();
        let mut unhandled = self.unhandled.borrow_mut();
        match operation {
            OperationType::Reject => unhandled.push(promise),
            OperationType::Handle => unhandled.retain(|p| p != &promise),
        }
    }
}
