//! `performance.now()` for the main program's realm, as Node's main context
//! has it (contexts made by node:vm have none, as in Node). Milliseconds
//! with microsecond precision from the guest's monotonic clock (WASI), since
//! the Vm's first call ([`start`]): only differences mean anything.

use std::cell::OnceCell;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use boa_engine::context::time::{Clock, JsInstant};
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

/// Starts the clock if it has not started: the first call into a Vm does
/// (the guest is built in a snapshot, where no clock may be read).
pub fn start() {
    origin();
}

fn time_origin(_: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    Ok(JsValue::from(origin().1))
}

fn now(_: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    let elapsed = origin().0.elapsed();
    // Whole microseconds, as Node reports them.
    Ok(JsValue::from((elapsed.as_micros() as f64) / 1e3))
}

/// Defines `performance` (`now()`, `timeOrigin`) on the current realm's global.
pub fn install(context: &mut Context) -> JsResult<()> {
    // `timeOrigin` is a getter, as on Node's `Performance.prototype`.
    let time_origin = NativeFunction::from_fn_ptr(time_origin).to_js_function(context.realm());
    let performance = ObjectInitializer::new(context)
        .function(NativeFunction::from_fn_ptr(now), js_string!("now"), 0)
        .accessor(js_string!("timeOrigin"), Some(time_origin), None, Attribute::ENUMERABLE | Attribute::CONFIGURABLE)
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

/// Boa's clock (job timeouts, `Date`), with its origin at the first
/// reading. Boa's own `StdClock` reads the clock when the context is built,
/// which is at build time, in the pre-initialised snapshot
/// (host/build/preinit.rs), where no clock may be read.
#[derive(Debug, Default)]
pub struct LazyClock;

impl Clock for LazyClock {
    fn now(&self) -> JsInstant {
        let elapsed = origin().0.elapsed();
        JsInstant::new(elapsed.as_secs(), elapsed.subsec_nanos())
    }

    fn system_time_millis(&self) -> i64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
    }
}
