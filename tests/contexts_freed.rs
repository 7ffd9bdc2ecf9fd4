//! Contexts are reclaimed once nothing refers to them: a Vm that creates
//! and drops contexts round after round stays flat in memory, in guest JS
//! (`jsvm run`) and through the Rust API, while a context something still
//! refers to (a handle, a closure, a module) stays usable.

use std::process::Command;

use jsvm::{RunOptions, Vm};

/// Memory after the last of `rounds` must be within 10% of after the first.
fn assert_flat(label: &str, rounds: &[f64]) {
    let (first, last) = (rounds[0], *rounds.last().unwrap());
    assert!(last <= first * 1.10, "{label}: memory grew from {first:.1} to {last:.1} MiB over the rounds: {rounds:?}");
}

#[test]
fn guest_code_that_drops_contexts_stays_flat() {
    let dir = tempfile::tempdir().unwrap();
    let program = "import vm from 'node:vm';\n\
        const mib = async () => (await vm.measureMemory({ execution: 'eager' })).total.jsMemoryEstimate / 1048576;\n\
        // Kept alive by a closure, and by a module created in it.\n\
        const kept = vm.createContext({ n: 0 });\n\
        const bump = vm.runInContext('() => ++n', kept);\n\
        const module = new vm.SourceTextModule('export const seen = n;', { context: vm.createContext({ n: 'module' }) });\n\
        const rounds = [];\n\
        for (let r = 0; r < 10; r++) {\n\
          for (let i = 0; i < 1000; i++) {\n\
            const ctx = vm.createContext({ i });\n\
            if (vm.runInContext('i + 1', ctx) !== i + 1) throw new Error('wrong result');\n\
            bump();\n\
          }\n\
          rounds.push(await mib());\n\
        }\n\
        await module.link(() => {});\n\
        await module.evaluate();\n\
        console.log(JSON.stringify({ rounds, kept: vm.runInContext('n', kept), module: module.namespace.seen }));\n";
    std::fs::write(dir.path().join("contexts.mjs"), program).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_jsvm")).arg("run").arg(dir.path().join("contexts.mjs")).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let rounds: Vec<f64> = report["rounds"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    eprintln!("in-guest live MiB after each round of 1,000 contexts: {rounds:.1?}");
    assert_flat("in-guest", &rounds);
    assert_eq!(report["kept"], 10_000);
    assert_eq!(report["module"], "module");
}

#[test]
fn rust_code_that_drops_contexts_stays_flat() {
    let mut vm = Vm::builder().memory_limit(256 << 20).console(|_, _| {}).build().unwrap();
    let kept = vm.create_context().unwrap();
    vm.set_global(&kept, "n", 0).unwrap();
    let kept_object = vm.context_object(&kept).unwrap();
    let mut rounds = Vec::new();
    for _ in 0..10 {
        for i in 0..1000 {
            let ctx = vm.create_context().unwrap();
            vm.set_global(&ctx, "i", i).unwrap();
            let value: f64 = vm.eval(&ctx, "i + 1").unwrap();
            assert_eq!(value, f64::from(i + 1));
            vm.run_in_context_with(&kept, "n++", &RunOptions::default()).unwrap();
        }
        rounds.push(vm.memory_size() as f64 / 1048576.0);
    }
    eprintln!("Rust API linear memory MiB after each round of 1,000 contexts: {rounds:.1?}");
    assert_flat("Rust API", &rounds);
    assert_eq!(vm.eval::<f64>(&kept, "n").unwrap(), 10_000.0);
    assert!(matches!(vm.get(&kept_object, "n").unwrap(), jsvm::Value::Number(n) if n == 10_000.0));
}
