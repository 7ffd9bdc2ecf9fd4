//! The cost of one awaited async host call beside one synchronous host
//! call, measured side by side in one process: guest code calls each
//! function N times in a loop (the async one with `await`, driven by
//! `Vm::resolve` on a tokio current-thread runtime, its future ready at
//! once). Prints medians of 9 rounds, per call.
//!
//!   cargo bench --manifest-path host/Cargo.toml --bench async_calls

use std::time::{Duration, Instant};

use jsvm::{Value, Vm};

const CALLS: u32 = 2_000;
const ROUNDS: usize = 9;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), jsvm::Error> {
    let mut vm = Vm::new()?;
    let ctx = vm.create_context()?;
    let sync = vm.function(|args| Ok(args.into_iter().next().unwrap_or(Value::Undefined)));
    let asynchronous = vm.async_function(|args| async move { Ok(args.into_iter().next().unwrap_or(Value::Undefined)) });
    vm.set_global(&ctx, "syncCall", sync)?;
    vm.set_global(&ctx, "asyncCall", asynchronous)?;
    let sync_loop = format!("{{ let s = 0; for (let i = 0; i < {CALLS}; i++) s += syncCall(i); s }}");
    let async_loop = format!("(async () => {{ let s = 0; for (let i = 0; i < {CALLS}; i++) s += await asyncCall(i); return s; }})()");
    let empty_loop = format!("{{ let s = 0; for (let i = 0; i < {CALLS}; i++) s += i; s }}");

    let (mut sync_times, mut async_times, mut loop_times) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let t = Instant::now();
        vm.run_in_context(&ctx, &empty_loop)?;
        loop_times.push(t.elapsed());

        let t = Instant::now();
        vm.run_in_context(&ctx, &sync_loop)?;
        sync_times.push(t.elapsed());

        let t = Instant::now();
        let promise = vm.run_in_context(&ctx, &async_loop)?;
        vm.resolve(promise).await?;
        async_times.push(t.elapsed());
    }
    let per_call = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(CALLS);
    let (empty, sync, awaited) = (per_call(median(loop_times)), per_call(median(sync_times)), per_call(median(async_times)));
    println!("{CALLS} calls a round, medians of {ROUNDS} rounds, per call (loop body included):");
    println!("  empty loop                {empty:>8.2} µs");
    println!("  synchronous host call     {sync:>8.2} µs");
    println!("  awaited async host call   {awaited:>8.2} µs   ({:.1}x the synchronous call)", awaited / sync);
    Ok(())
}
