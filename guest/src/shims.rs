//! What the node:vm layer puts into every new context, made natively in
//! that context's realm (so no walk from inside the context reaches the
//! main realm, and no source is parsed per context): the `stack` accessor
//! the layer installs on the realm's `Error.prototype`, and the silent
//! `console` a context has, as V8 gives every context one whose output only
//! an inspector sees.

use boa_engine::{
    Context, JsArgs, JsNativeError, JsResult, JsString, JsValue, NativeFunction, js_string,
    object::{FunctionObjectBuilder, ObjectInitializer, builtins::JsArray},
    property::Attribute,
};

use crate::natives::{elements, in_realm, realm_arg};

/// `realmShims(realm, stackOf, setStack, consoleNames)` → `[{ get, set },
/// console]`, all of `realm`: the accessor calls the layer's `stackOf(this)`
/// and `setStack(this, value)`; the console has a no-op method per name.
pub fn realm_shims(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let realm = realm_arg(args.get_or_undefined(0))?;
    let callable = |i: usize| {
        args.get_or_undefined(i)
            .as_callable()
            .ok_or_else(|| JsNativeError::typ().with_message("jsvm: realmShims needs the layer's stack functions"))
    };
    let (stack_of, set_stack) = (callable(1)?, callable(2)?);
    let names = elements(args.get_or_undefined(3), context)?;
    in_realm(&realm, context, |context| {
        let get = FunctionObjectBuilder::new(
            &realm,
            NativeFunction::from_copy_closure_with_captures(
                |this, _, stack_of, context| stack_of.call(&JsValue::undefined(), std::slice::from_ref(this), context),
                stack_of,
            ),
        )
        .name(js_string!("get"))
        .length(0)
        .build();
        let set = FunctionObjectBuilder::new(
            &realm,
            NativeFunction::from_copy_closure_with_captures(
                |this, args, set_stack, context| {
                    set_stack.call(&JsValue::undefined(), &[this.clone(), args.get_or_undefined(0).clone()], context)?;
                    Ok(JsValue::undefined())
                },
                set_stack,
            ),
        )
        .name(js_string!("set"))
        .length(1)
        .build();
        let accessor = ObjectInitializer::new(context)
            .property(js_string!("get"), get, Attribute::all())
            .property(js_string!("set"), set, Attribute::all())
            .build();
        // Enumerable, as V8's console methods are.
        let console = ObjectInitializer::new(context).build();
        for name in &names {
            let name: JsString = name.to_string(context)?;
            let method = FunctionObjectBuilder::new(&realm, NativeFunction::from_fn_ptr(|_, _, _| Ok(JsValue::undefined())))
                .name(name.clone())
                .length(0)
                .build();
            console.insert_property(name, boa_engine::property::PropertyDescriptor::builder().value(method).writable(true).enumerable(true).configurable(true));
        }
        Ok(JsArray::from_iter([accessor.into(), console.into()], context).into())
    })
}
