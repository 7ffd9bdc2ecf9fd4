//! Async host functions driven from tokio: settlement in the order futures
//! finish, many calls pending at once, errors both ways, and limits that
//! hold across the await (timeout, interrupt from another thread, a
//! cancelled host future, a promise nothing can settle).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jsvm::{AwaitOptions, Error, FromValue, JsException, Value, Vm};
use tokio::sync::oneshot;

fn text(value: Value) -> String {
    String::from_value(value).unwrap()
}

#[tokio::test]
async fn calls_settle_in_the_order_their_futures_finish() {
    let mut vm = Vm::new().unwrap();
    let ctx = vm.create_context().unwrap();
    // wait(ms, label): resolves with label after ms.
    let wait = vm.async_function(|args| async move {
        let ms = f64::from_value(args[0].clone()).unwrap();
        tokio::time::sleep(Duration::from_millis(ms as u64)).await;
        Ok(args[1].clone())
    });
    vm.set_global(&ctx, "wait", wait).unwrap();
    let promise = vm
        .run_in_context(&ctx, "const order = []; Promise.all([wait(60, 'a'), wait(10, 'b'), wait(30, 'c')].map((p) => p.then((v) => order.push(v)))).then(() => order.join(''))")
        .unwrap();
    assert_eq!(text(vm.resolve(promise).await.unwrap()), "bca");
}

#[tokio::test]
async fn a_thousand_calls_pending_at_once() {
    let mut vm = Vm::new().unwrap();
    let ctx = vm.create_context().unwrap();
    let started = Arc::new(AtomicUsize::new(0));
    let counter = started.clone();
    let double = vm.async_function(move |args| {
        counter.fetch_add(1, Ordering::SeqCst);
        async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok(Value::Number(f64::from_value(args[0].clone()).unwrap() * 2.0))
        }
    });
    vm.set_global(&ctx, "double", double).unwrap();
    let promise = vm
        .run_in_context(&ctx, "Promise.all(Array.from({ length: 1000 }, (_, i) => double(i))).then((all) => all.reduce((a, b) => a + b, 0))")
        .unwrap();
    // Every call started before any finished: all were pending together.
    assert_eq!(started.load(Ordering::SeqCst), 1000);
    let t = Instant::now();
    let sum = f64::from_value(vm.resolve(promise).await.unwrap()).unwrap();
    assert_eq!(sum, 999_000.0);
    assert!(t.elapsed() < Duration::from_secs(5), "the sleeps overlapped: {:?}", t.elapsed());
}

#[tokio::test]
async fn errors_cross_both_ways_with_name_message_and_code() {
    let mut vm = Vm::new().unwrap();
    let ctx = vm.create_context().unwrap();
    let fail = vm.async_function(|_| async {
        tokio::task::yield_now().await;
        Err(JsException::new("RangeError", "too far").with_code("ERR_OUT_OF_RANGE"))
    });
    vm.set_global(&ctx, "fail", fail).unwrap();
    let seen = vm
        .run_in_context(&ctx, "fail().catch((e) => [e instanceof RangeError, e.name, e.message, e.code].join('|'))")
        .unwrap();
    assert_eq!(text(vm.resolve(seen).await.unwrap()), "true|RangeError|too far|ERR_OUT_OF_RANGE");

    let rejected = vm
        .run_in_context(&ctx, "(async () => { await fail().catch(() => {}); const e = new TypeError('guest says no'); e.code = 'E_GUEST'; throw e; })()")
        .unwrap();
    match vm.resolve(rejected).await {
        Err(Error::Js(e)) => {
            assert_eq!((e.name.as_str(), e.message.as_str(), e.code.as_deref()), ("TypeError", "guest says no", Some("E_GUEST")));
        }
        other => panic!("expected the guest's rejection, got {other:?}"),
    }
}

/// A future that records whether it was dropped before finishing.
struct DropFlag(Arc<AtomicBool>);
impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// An async host function that answers `answer` after `delay`, and a flag
/// that says whether its future was dropped.
fn watched(vm: &mut Vm, delay: Duration, answer: Value) -> (jsvm::HostFunction, Arc<AtomicBool>) {
    let dropped = Arc::new(AtomicBool::new(false));
    let flag = dropped.clone();
    let function = vm.async_function(move |_| {
        let guard = DropFlag(flag.clone());
        let answer = answer.clone();
        async move {
            let _guard = guard;
            tokio::time::sleep(delay).await;
            Ok(answer)
        }
    });
    (function, dropped)
}

#[tokio::test]
async fn a_timeout_during_an_await_ends_what_the_program_started() {
    let mut vm = Vm::new().unwrap();
    let ctx = vm.create_context().unwrap();
    let (forever, dropped) = watched(&mut vm, Duration::from_secs(3600), Value::Undefined);
    vm.set_global(&ctx, "forever", forever).unwrap();
    let promise = vm
        .run_in_context(&ctx, "var seen; (async () => { try { await forever(); } catch (e) { seen = `${e.code}|${e instanceof Error}`; throw e; } })()")
        .unwrap();
    let t = Instant::now();
    let outcome = vm.resolve_with(promise, &AwaitOptions { timeout: Some(Duration::from_millis(100)) }).await;
    let waited = t.elapsed();
    match outcome {
        Err(Error::Js(e)) => assert_eq!(e.code.as_deref(), Some("ERR_SCRIPT_EXECUTION_TIMEOUT")),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(waited >= Duration::from_millis(100) && waited < Duration::from_secs(2), "{waited:?}");
    assert!(dropped.load(Ordering::SeqCst), "the host future was dropped");
    // The guest's promise was rejected with Node's error, and the context lives on.
    assert_eq!(text(vm.run_in_context(&ctx, "seen").unwrap()), "ERR_SCRIPT_EXECUTION_TIMEOUT|true");
}

#[tokio::test]
async fn an_interrupt_from_another_thread_ends_an_await() {
    let mut vm = Vm::new().unwrap();
    let ctx = vm.create_context().unwrap();
    let forever = vm.async_function(|_| async {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        Ok(Value::Undefined)
    });
    vm.set_global(&ctx, "forever", forever).unwrap();
    let promise = vm.run_in_context(&ctx, "forever()").unwrap();
    let handle = vm.interrupt_handle();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        handle.interrupt();
    });
    match vm.resolve(promise).await {
        Err(Error::Js(e)) => assert_eq!(e.code.as_deref(), Some("ERR_SCRIPT_EXECUTION_INTERRUPTED")),
        other => panic!("expected an interrupt, got {other:?}"),
    }
    stopper.join().unwrap();
    assert_eq!(f64::from_value(vm.run_in_context(&ctx, "6 * 7").unwrap()).unwrap(), 42.0);
}

#[tokio::test]
async fn a_cancelled_host_future_rejects_the_guests_promise() {
    let mut vm = Vm::new().unwrap();
    let ctx = vm.create_context().unwrap();
    let (sender, receiver) = oneshot::channel::<Value>();
    let mut receiver = Some(receiver);
    let ask = vm.async_function(move |_| {
        let receiver = receiver.take();
        async move {
            match receiver {
                Some(r) => r.await.map_err(|_| JsException::new("Error", "the request was cancelled").with_code("ABORT_ERR")),
                None => Err(JsException::new("Error", "asked twice")),
            }
        }
    });
    vm.set_global(&ctx, "ask", ask).unwrap();
    let promise = vm.run_in_context(&ctx, "ask().then(() => 'answered', (e) => `${e.code}: ${e.message}`)").unwrap();
    drop(sender);
    assert_eq!(text(vm.resolve(promise).await.unwrap()), "ABORT_ERR: the request was cancelled");
}

#[tokio::test]
async fn a_promise_nothing_can_settle_fails_at_once() {
    let mut vm = Vm::new().unwrap();
    let ctx = vm.create_context().unwrap();
    let promise = vm.run_in_context(&ctx, "new Promise(() => {})").unwrap();
    let t = Instant::now();
    match vm.resolve(promise).await {
        Err(Error::Engine(message)) => assert!(message.contains("can never settle"), "{message}"),
        other => panic!("expected a clear error, got {other:?}"),
    }
    assert!(t.elapsed() < Duration::from_secs(1));
    // Values that are no promise resolve to themselves.
    assert_eq!(f64::from_value(vm.resolve(Value::Number(3.0)).await.unwrap()).unwrap(), 3.0);
}

#[tokio::test]
async fn a_run_stopped_by_its_timeout_ends_the_host_calls_it_started() {
    let mut vm = Vm::new().unwrap();
    let ctx = vm.create_context().unwrap();
    let (lookup, dropped) = watched(&mut vm, Duration::from_millis(20), Value::String("late answer".into()));
    vm.set_global(&ctx, "lookup", lookup).unwrap();
    let options = jsvm::RunOptions { timeout: Some(Duration::from_millis(50)), ..Default::default() };
    let outcome = vm.run_in_context_with(&ctx, "var seen = 'pending'; lookup().then((v) => { seen = v; }, (e) => { seen = e.code; }); for (;;) {}", &options);
    match outcome {
        Err(Error::Js(e)) => assert_eq!(e.code.as_deref(), Some("ERR_SCRIPT_EXECUTION_TIMEOUT")),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(dropped.load(Ordering::SeqCst), "the host future of the stopped run was dropped");
    assert_eq!(text(vm.run_in_context(&ctx, "seen").unwrap()), "ERR_SCRIPT_EXECUTION_TIMEOUT");
    // Nothing is left pending: the late answer never arrives.
    let promise = vm.run_in_context(&ctx, "new Promise(() => {})").unwrap();
    assert!(matches!(vm.resolve(promise).await, Err(Error::Engine(_))));
}
