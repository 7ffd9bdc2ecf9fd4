//! Async host functions: a rules script awaits two host lookups at once,
//! and the whole async program runs under a timeout.
//!
//! The host's lookups are async Rust (here tokio timers standing in for a
//! database and a pricing service). The script calls them like any async
//! JavaScript function; `Vm::resolve_with` drives the script's promise on
//! tokio, settling each lookup in the guest as its future finishes.
//!
//! Run it with `cargo run --release --example async_host`; `cargo test`
//! runs it too.

use std::time::{Duration, Instant};

use jsvm::{AwaitOptions, JsException, Value, Vm};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), jsvm::Error> {
    let mut vm = Vm::builder().memory_limit(64 << 20).build()?;
    let rules = vm.create_context()?;

    // fetchUser(id): a record from "the database", after 50 ms.
    let fetch_user = vm.async_function(|args| async move {
        let id = match args.first() {
            Some(Value::Number(id)) => *id,
            _ => return Err(JsException::new("TypeError", "fetchUser(id) needs a number").with_code("ERR_INVALID_ARG_TYPE")),
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        if id == 0.0 {
            return Err(JsException::new("Error", "no user 0").with_code("ENOENT"));
        }
        Ok(Value::String(format!("{{\"id\":{id},\"tier\":\"gold\"}}")))
    });
    // price(sku): a price from "the pricing service", after 50 ms.
    let price = vm.async_function(|args| async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let sku = match args.first() {
            Some(Value::String(sku)) => sku.clone(),
            _ => String::new(),
        };
        Ok(Value::Number(if sku == "book" { 20.0 } else { 5.0 }))
    });
    vm.set_global(&rules, "fetchUser", fetch_user)?;
    vm.set_global(&rules, "price", price)?;

    // The user's rule: both lookups run at once.
    let script = r#"
        (async () => {
            const [user, base] = await Promise.all([fetchUser(7), price('book')]);
            const { tier } = JSON.parse(user);
            let missing;
            try { await fetchUser(0); } catch (e) { missing = `${e.code}: ${e.message}`; }
            return `${tier} pays ${tier === 'gold' ? base * 0.9 : base} (${missing})`;
        })()
    "#;
    let started = Instant::now();
    let promise = vm.run_in_context(&rules, script)?;
    let limits = AwaitOptions { timeout: Some(Duration::from_secs(1)) };
    let answer: String = jsvm::FromValue::from_value(vm.resolve_with(promise, &limits).await?)?;
    let elapsed = started.elapsed();
    println!("{answer}");
    assert_eq!(answer, "gold pays 18 (ENOENT: no user 0)");
    // The two lookups overlapped: ~100 ms in all (two rounds of 50 ms), not 150.
    assert!(elapsed < Duration::from_millis(145), "the lookups ran one after the other: {elapsed:?}");

    // A rule that awaits forever is ended by the timeout, and the Vm goes on.
    let slow = vm.async_function(|_| async {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        Ok(Value::Undefined)
    });
    vm.set_global(&rules, "slow", slow)?;
    let promise = vm.run_in_context(&rules, "(async () => { await slow(); return 'never'; })()")?;
    let limits = AwaitOptions { timeout: Some(Duration::from_millis(100)) };
    match vm.resolve_with(promise, &limits).await {
        Err(jsvm::Error::Js(e)) => println!("stopped: {} ({})", e.message, e.code.unwrap_or_default()),
        other => panic!("expected a timeout, got {other:?}"),
    }
    let after: f64 = vm.eval(&rules, "1 + 1")?;
    assert_eq!(after, 2.0);
    Ok(())
}

// `cargo test` builds this example as a test and runs `main` through this.
#[test]
fn example_runs() {
    main().expect("the async host example succeeds");
}
