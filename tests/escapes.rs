//! The classes of vm2's published sandbox escapes, tried against the Rust
//! host from a context that was handed host functions (issue #9): host
//! exception objects, constructor walks, `__proto__`/`__lookupGetter__`,
//! getters, Proxy handlers, `Error.prepareStackTrace`, `Symbol.species`,
//! async generators, thenables the layer settles. In node:vm each of these
//! reaches the host's realm; here none leaves the context's realm, and none
//! reaches a host function that the host gave only to another context.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use jsvm::{Context, JsException, ModuleOptions, RunOptions, Value, Vm};

/// A walk over everything reachable from `roots` (prototypes, own
/// properties' values and accessors, at most 50,000 objects): the number
/// of objects seen, and a description of each one whose prototype chain
/// ends in another realm's `Object.prototype`.
const REALM_WALK: &str = r#"
globalThis.realmWalk = function realmWalk(roots) {
  const home = Object.prototype;
  const seen = new Set();
  const queue = [...roots];
  const foreign = [];
  const { getPrototypeOf, ownKeys, getOwnPropertyDescriptor } = Reflect;
  while (queue.length > 0 && seen.size < 50000) {
    const [path, o] = queue.shift();
    if ((typeof o !== 'object' && typeof o !== 'function') || o === null || seen.has(o)) continue;
    seen.add(o);
    let root = o;
    try { for (let p = getPrototypeOf(o); p !== null; p = getPrototypeOf(p)) root = p; } catch { continue; }
    if (root !== home && root !== o) foreign.push(path);
    try { queue.push([`${path}.__proto__`, getPrototypeOf(o)]); } catch {}
    let keys = [];
    try { keys = ownKeys(o); } catch {}
    for (const key of keys) {
      let desc;
      try { desc = getOwnPropertyDescriptor(o, key); } catch { continue; }
      if (desc === undefined) continue;
      const name = `${path}.${String(key)}`;
      queue.push([name, desc.value], [`${name}<get>`, desc.get], [`${name}<set>`, desc.set]);
    }
  }
  return `${seen.size > 300 ? 'many' : seen.size} objects, foreign: [${foreign.slice(0, 5).join(', ')}]`;
};
"#;

/// What every walk must print: a big graph, nothing foreign in it.
const CLEAN: &str = "many objects, foreign: []";

/// A Vm with a `privileged` context that holds `secret` (counted) and an
/// `attacker` context that holds `granted` (echoes its argument), `thrower`
/// (throws a TypeError with a code) and `getter` (returns a function).
struct Setup {
    vm: Vm,
    privileged: Context,
    attacker: Context,
    secret_calls: Arc<AtomicUsize>,
}

fn setup() -> Setup {
    let mut vm = Vm::new().unwrap();
    let secret_calls = Arc::new(AtomicUsize::new(0));
    let counter = secret_calls.clone();
    let secret = vm.function(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
        Ok(Value::String("secret".into()))
    });
    let granted = vm.function(|args| Ok(args.into_iter().next().unwrap_or(Value::Undefined)));
    let thrower = vm.function(|_| Err(JsException::new("TypeError", "denied").with_code("ERR_DENIED")));
    let privileged = vm.create_context().unwrap();
    vm.set_global(&privileged, "secret", secret).unwrap();
    // The secret's proxy exists in the guest before the attacker runs.
    assert_eq!(vm.eval::<String>(&privileged, "secret()").unwrap(), "secret");
    let attacker = vm.create_context().unwrap();
    vm.set_global(&attacker, "granted", granted).unwrap();
    vm.set_global(&attacker, "thrower", thrower).unwrap();
    let getter = vm.function(move |_| Ok(Value::HostFunction(granted)));
    vm.set_global(&attacker, "getter", getter).unwrap();
    vm.run_in_context(&attacker, REALM_WALK).unwrap();
    Setup { vm, privileged, attacker, secret_calls }
}

impl Setup {
    fn eval(&mut self, code: &str) -> String {
        match self.vm.run_in_context(&self.attacker, code) {
            Ok(value) => self.vm.display(&value).unwrap(),
            Err(e) => panic!("{code}: {e}"),
        }
    }

    /// The privileged context and its secret are as they were, and the
    /// secret was called only by the setup.
    fn assert_secret_kept(&mut self) {
        let check = "typeof secret === 'function' && Function.prototype.pwned === undefined && Object.prototype.pwned === undefined";
        assert!(self.vm.eval::<bool>(&self.privileged, check).unwrap());
        assert_eq!(self.secret_calls.load(Ordering::SeqCst), 1, "the secret was called");
    }
}

/// Walks from host functions, what they return and what they throw: their
/// `constructor`, `__proto__`, `__lookupGetter__` and every property lead
/// into the context's own built-ins (a host function's proxy is made per
/// realm, over that realm's `Function.prototype`).
#[test]
fn walks_from_host_functions_and_their_errors_stay_in_the_context() {
    let mut s = setup();
    let same_realm = [
        "granted.constructor === Function",
        "granted.constructor.constructor('return this')() === globalThis",
        "Object.getPrototypeOf(granted) === Function.prototype",
        "granted.__proto__ === Function.prototype",
        "granted.__lookupGetter__('__proto__') === Object.prototype.__lookupGetter__('__proto__')",
        "granted.call.constructor === Function && granted.bind(null).constructor === Function",
        "getter() === granted && getter()() === undefined",
        "granted(granted) === granted && granted(globalThis) === globalThis",
        "try { thrower() } catch (e) { e instanceof TypeError && e.constructor.constructor('return this')() === globalThis && e.code === 'ERR_DENIED' }",
        "try { new thrower() } catch (e) { e instanceof TypeError }",
        "this.constructor === Object && this.constructor.constructor('return this')() === globalThis",
        "console.log.constructor === Function && Object.getPrototypeOf(console) === Object.prototype",
        "Object.getOwnPropertyDescriptor(Error.prototype, 'stack').get.constructor === Function",
    ];
    for check in same_realm {
        assert_eq!(s.eval(check), "true", "{check}");
    }
    let walks = [
        "realmWalk([['globalThis', globalThis], ['granted', granted], ['getter()', getter()]])",
        "let caught; try { thrower() } catch (e) { caught = e } realmWalk([['thrown', caught], ['stack', Object.getOwnPropertyDescriptor(Error.prototype, 'stack')], ['g', globalThis]])",
        "let deep; try { (function f() { f() })() } catch (e) { deep = e } realmWalk([['overflow', deep], ['g', globalThis]])",
    ];
    for walk in walks {
        assert_eq!(s.eval(walk), CLEAN, "{walk}");
    }
    s.assert_secret_kept();
}

/// Tricks that in node:vm hand the sandbox a host-realm object through the
/// machinery around it: a `prepareStackTrace` hook, species constructors,
/// errors from async generators, `import()` rejections, an inspect hook,
/// getters on what the host is handed back. Each ends with nothing foreign.
#[test]
fn stack_hooks_species_and_async_machinery_hand_out_nothing_foreign() {
    let mut s = setup();
    let cases = [
        // Error.prepareStackTrace: Node calls it with CallSite objects of the
        // host's realm; jsvm never calls it.
        "let got = []; Error.prepareStackTrace = (...a) => { got.push(...a); return 'hooked' }; \
         let e1; try { thrower() } catch (e) { e1 = e } String(e1.stack).startsWith('TypeError') && got.length === 0",
        // Symbol.species on values the host is handed and hands back.
        "globalThis.spied = []; class S extends Array { static get [Symbol.species]() { spied.push('species'); return Array } } \
         const back = granted(new S(1, 2)); back instanceof S && realmWalk([['spied', spied], ['back', back], ['g', globalThis]]) === 'many objects, foreign: []' || realmWalk([['back', back]])",
        // An async generator whose body throws the host's error.
        "globalThis.agen = undefined; async function* g() { thrower() } g().next().catch(e => { agen = e }); 'queued'",
        "agen instanceof TypeError && agen.message === 'denied' && agen.constructor.constructor('return this')() === globalThis",
        // import() with no importModuleDynamically: the rejection's error.
        "globalThis.imp = undefined; import('x').catch(e => { imp = e }); 'queued'",
        "imp instanceof TypeError && imp.constructor.constructor('return this')() === globalThis && imp.code",
        // Getters that see what the host is handed back.
        "globalThis.seen = []; const o = { get x() { seen.push(this); return 1 } }; granted(o) === o && seen.every(v => v === o)",
        // An inspect hook: a context's console prints nothing, calls nothing.
        "let hooked = false; console.log({ [Symbol.for('nodejs.util.inspect.custom')]() { hooked = true } }); hooked",
        "realmWalk([['agen', agen], ['imp', imp], ['console', console], ['g', globalThis]])",
    ];
    let expected = ["true", "true", "queued", "true", "queued", "ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING", "true", "false", CLEAN];
    for (case, want) in cases.iter().zip(expected) {
        let got = s.eval(case);
        assert_eq!(got.trim_matches('\''), want, "{case}");
    }
    s.assert_secret_kept();
}

/// The context replaces its realm's `Promise.prototype.then`, `Map`,
/// `WeakMap` and `Reflect` methods and every `Function.prototype` method
/// with spies, then the host uses it the ways the layer touches a
/// context's values: runs code, converts results, calls a guest function,
/// sets globals, evaluates a module in it and an `afterEvaluate` context
/// drains its jobs. No spy ever sees an object of another realm, and the
/// privileged context's secret is never reached.
#[test]
fn a_context_that_poisons_its_built_ins_never_sees_another_realm() {
    let mut s = setup();
    s.eval(
        "globalThis.spy = [];
         const { apply } = Reflect;
         const push = Array.prototype.push;
         const watch = (owner, name) => {
           const original = owner[name];
           if (typeof original !== 'function') return;
           owner[name] = function (...args) {
             apply(push, spy, [[`${name} this`, this]]);
             for (let i = 0; i < args.length; i++) apply(push, spy, [[`${name} arg ${i}`, args[i]]]);
             return apply(original, this, args);
           };
         };
         for (const name of ['then', 'catch', 'finally']) watch(Promise.prototype, name);
         for (const name of ['call', 'apply', 'bind', 'toString']) watch(Function.prototype, name);
         for (const name of ['get', 'set', 'has']) { watch(Map.prototype, name); watch(WeakMap.prototype, name); }
         for (const name of ['map', 'filter', 'join', 'push', 'slice']) watch(Array.prototype, name);
         for (const name of ['get', 'set', 'apply', 'getPrototypeOf', 'ownKeys', 'defineProperty']) watch(Reflect, name);
         Object.defineProperty(Object.prototype, 'then', { get() { apply(push, spy, [['then getter', this]]); return undefined }, configurable: true });
         'poisoned'",
    );
    let vm = &mut s.vm;
    let attacker = s.attacker.clone();
    vm.run_in_context(&attacker, "Promise.resolve(1).then(x => x)").unwrap();
    let f = vm.eval::<jsvm::Object>(&attacker, "(function (a) { return [a, this] })").unwrap();
    vm.call_function(&f, &[Value::Number(1.0), Value::String("x".into())]).unwrap();
    vm.set_global(&attacker, "late", Value::Number(2.0)).unwrap();
    let thrower = vm.eval::<Value>(&attacker, "thrower").unwrap();
    vm.set_global(&attacker, "thrower2", thrower).unwrap();
    vm.run_in_context(&attacker, "try { thrower2() } catch (e) { String(e.stack) }").unwrap();
    let options = ModuleOptions { context: Some(attacker.clone()), ..ModuleOptions::default() };
    let module = vm.create_module("export const x = await Promise.resolve(granted(1)); throw thrower2 ? 0 : 1", &options).unwrap();
    vm.link_module(&module, |_, _, _| unreachable!("no imports")).unwrap();
    let _ = vm.evaluate_module(&module, &RunOptions::default());
    vm.run_in_context(&attacker, "0").unwrap();
    let walked = s.eval("realmWalk([['spy', spy], ['g', globalThis]])");
    assert_eq!(walked, CLEAN);
    assert_eq!(s.eval("spy.length > 0"), "true");
    s.assert_secret_kept();
}
