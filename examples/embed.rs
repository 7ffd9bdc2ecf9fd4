//! Embedding jsvm in a Rust program: run untrusted rules in a context of
//! their own, hand them data and a host function, and read the answer back.
//!
//! Run it with `cargo run --release --example embed`; `cargo test` runs it too.

use std::sync::{Arc, Mutex};

use jsvm::{JsException, RunOptions, Value, Vm};

fn main() -> Result<(), jsvm::Error> {
    // One Vm is one sandboxed engine instance: no files, network or
    // environment; its memory is capped here at 64 MiB.
    let mut vm = Vm::builder().memory_limit(64 << 20).build()?;

    // Each rule set gets a context: its own globals and built-ins.
    let rules = vm.create_context()?;

    // Data goes in as globals; host capabilities as functions. This one
    // collects alerts raised by the rules.
    let alerts = Arc::new(Mutex::new(Vec::new()));
    let alert = {
        let alerts = alerts.clone();
        vm.function(move |args| match args.first() {
            Some(Value::String(text)) => {
                alerts.lock().unwrap().push(text.clone());
                Ok(Value::Undefined)
            }
            _ => Err(JsException::new("TypeError", "alert() needs a string")),
        })
    };
    vm.set_global(&rules, "alert", alert)?;
    vm.set_global(&rules, "temperature", 81)?;

    // The untrusted code: it can use the globals, nothing else.
    let source = r#"
        function check(limit) {
            if (temperature > limit) alert(`too hot: ${temperature}`);
            return temperature - limit;
        }
        check(75);
    "#;
    let options = RunOptions { filename: Some("rules.js".into()), ..RunOptions::default() };
    let over = vm.run_in_context_with(&rules, source, &options)?;

    // Results come back typed; functions the rules defined stay callable.
    assert!(matches!(over, Value::Number(n) if n == 6.0));
    assert_eq!(alerts.lock().unwrap().as_slice(), ["too hot: 81"]);

    // A rule that throws reports the JS error, with name, message and stack.
    let err = vm.run_in_context(&rules, "check(undefined.limit)").unwrap_err();
    let js = err.as_js().expect("a JavaScript exception");
    assert_eq!(js.name, "TypeError");
    println!("rules answered {over:?}; alerts: {:?}; bad rule: {}", alerts.lock().unwrap(), js.message);
    Ok(())
}

// `cargo test` builds this example as a test and runs `main` through this.
#[test]
fn example_runs() {
    main().expect("the embedding example succeeds");
}
