//! `performance.now()` for the main program's realm, as Node's main context
//! has it (contexts made by node:vm have none, as in Node). Milliseconds
//! with microsecond precision from the guest's monotonic clock (WASI), since
//! the first reading: only differences mean anything.

use std::cell::OnceCell;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use boa_engine::{Context, JsResult, JsValue, NativeFunction, js_string, object::ObjectInitializer, property::Attribute};

thread_local! {
    /// When the guest first read the clock, and the wall time then (ms).
    static ORIGIN: OnceCell<(Instant, f64)> = const { OnceCell::new() };
}

fn origin() -> (Instant, f64) {
    ORIGIN.with(|o| {
        *o.get_or_init(|| {
            let wall = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64() * 1e3);
            (Instant::now(), wall)
        })
    })
}

fn now(_: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    let elapsed = origin().0.elapsed();
    // Whole microseconds, as Node reports them.
    Ok(JsValue::from((elapsed.as_micros() as f64) / 1e3))
}

/// Defines `performance` (`now()`, `timeOrigin`) on the current realm's global.
pub fn install(context: &mut Context) -> JsResult<()> {
    let performance = ObjectInitializer::new(context)
        .function(NativeFunction::from_fn_ptr(now), js_string!("now"), 0)
        .property(js_string!("timeOrigin"), origin().1, Attribute::READONLY | Attribute::ENUMERABLE | Attribute::CONFIGURABLE)
        .build();
    let global = context.global_object();
    global.define_property_or_throw(
        js_string!("performance"),
        boa_engine::property::PropertyDescriptor::builder()
            .value(performance)
            .writable(true)
            .enumerable(false)
            .configurable(true),
        context,
    )?;
    Ok(())
}
