//! A plugin host: each plugin is a module graph in a directory of its own
//! (`examples/plugins/<name>/main.mjs` and what it imports), loaded into a
//! Vm of its own that can read nothing outside that directory, with a
//! memory limit; each call into a plugin has a timeout.
//!
//! Run it with `cargo run --release --example plugin_host`; `cargo test`
//! runs it too, and it checks what it prints.

use std::path::Path;
use std::time::Duration;

use jsvm::{Error, FromValue, Object, RunOptions, Value, Vm};

/// A loaded plugin: its Vm and the namespace of its `main.mjs`.
struct Plugin {
    vm: Vm,
    exports: Object,
}

impl Plugin {
    fn load(dir: &Path) -> Result<Plugin, Error> {
        let mut vm = Vm::builder().module_root(dir).memory_limit(32 << 20).build()?;
        let exports = vm.import_module("main.mjs", &RunOptions { timeout: Some(Duration::from_secs(1)), ..Default::default() })?;
        Ok(Plugin { vm, exports })
    }

    fn name(&mut self) -> Result<String, Error> {
        let name = self.vm.get(&self.exports, "name")?;
        Ok(self.vm.display(&name)?)
    }

    /// Calls the plugin's `run(input)` with at most 100 ms of CPU.
    fn run(&mut self, input: Value) -> Result<Value, Error> {
        let run = Object::from_value(self.vm.get(&self.exports, "run")?)?;
        let limits = RunOptions { timeout: Some(Duration::from_millis(100)), ..Default::default() };
        self.vm.call_function_with(&run, &[input], &limits)
    }
}

fn main() -> Result<(), Error> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/plugins");
    let mut outcomes = Vec::new();
    for name in ["greeter", "spinner", "hog"] {
        let mut plugin = Plugin::load(&root.join(name))?;
        let plugin_name = plugin.name()?;
        // The input: a plain object built in a scratch context of the Vm.
        let input = {
            let context = plugin.vm.create_context()?;
            plugin.vm.run_in_context(&context, "({ who: 'ada lovelace', times: 3 })")?
        };
        let outcome = match plugin.run(input) {
            Ok(value) => format!("returned {}", plugin.vm.display(&value)?),
            Err(Error::Js(e)) => format!("threw {}: {}", e.code.unwrap_or_default(), e.message),
            Err(Error::StateLost { code, reason }) => format!("lost its state ({}): {reason}", code.unwrap_or_default()),
            Err(other) => return Err(other),
        };
        println!("{plugin_name}: {outcome}");
        outcomes.push(outcome);
    }
    assert_eq!(outcomes[0], "returned Hello, Ada Lovelace! (3 times)");
    assert!(outcomes[1].starts_with("threw ERR_SCRIPT_EXECUTION_TIMEOUT"), "{}", outcomes[1]);
    // The hog is stopped at the memory limit; its Vm keeps its state.
    assert!(outcomes[2].starts_with("threw ERR_VM_MEMORY_LIMIT"), "{}", outcomes[2]);
    Ok(())
}

#[test]
fn example_runs() {
    main().expect("the plugin host example succeeds");
}
