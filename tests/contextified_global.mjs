// The program of tests/contextified_global.rs: run by node and by jsvm run,
// whose outputs must be equal.
import vm from 'node:vm';

const log = (...args) => console.log(...args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))));
const attempt = (f) => { try { return f(); } catch (e) { return `${e.name}`; } };

// Declarations and assignments.
const sb = { host: 1 };
vm.createContext(sb);
vm.runInContext('var declared = 2; var empty; let lexical = 3; const constant = 4; function fn() { return 5; } assigned = 6; class C {}', sb);
log(Object.keys(sb), 'empty' in sb, 'lexical' in sb, sb.fn(), sb.assigned);
log(Object.getOwnPropertyDescriptor(sb, 'declared'));
log(vm.runInContext('[typeof declared, typeof empty, typeof lexical, typeof constant, typeof C, typeof host]', sb));
log(vm.runInContext('Object.getOwnPropertyDescriptor(globalThis, "declared")', sb));
log(vm.runInContext('Object.getOwnPropertyDescriptor(globalThis, "host")', sb));
log(vm.runInContext('[Object.keys(globalThis).join(), "host" in globalThis, globalThis.hasOwnProperty("declared")]', sb));

// The host changes the context object between runs; the context sees it.
sb.declared = 20;
sb.fn = () => 50;
log(vm.runInContext('[declared, fn()]', sb));
delete sb.declared;
log(vm.runInContext('[typeof declared, declared]', sb));
delete sb.host;
log(vm.runInContext('typeof host', sb), attempt(() => vm.runInContext('host', sb)));

// Shadowing built-ins, and un-shadowing them, inside one run and across runs.
vm.runInContext('function kind() { return typeof JSON.parse; } var before = kind();', sb);
sb.JSON = { parse: 1 };
log(vm.runInContext('[before, kind(), typeof JSON.stringify]', sb));
delete sb.JSON;
log(vm.runInContext('[kind(), typeof JSON.stringify]', sb));
log(vm.runInContext('var seen = []; for (var i = 0; i < 4; i++) { if (i === 2) globalThis.Math = { max: () => "mine" }; seen.push(Math.max(1, 2)); } seen', sb));
// Node's deleter deletes from the context object, then the global's own.
log(typeof sb.Math.max, vm.runInContext('delete globalThis.Math', sb), vm.runInContext('typeof Math', sb), 'Math' in sb);
sb.undefined = 5; sb.NaN = 6; sb.Infinity = 7; sb.Array = 8;
log(vm.runInContext('[String(undefined), String(NaN), Infinity, Array]', sb));
delete sb.Array;

// Getters and prototype chains on the context object.
let reads = 0;
const proto = { inherited: 'from proto' };
const withGetter = Object.create(proto, { counted: { get() { reads++; return reads; }, enumerable: true, configurable: true } });
vm.createContext(withGetter);
log(vm.runInContext('[counted, counted, inherited, "inherited" in globalThis, Object.keys(globalThis).includes("counted")]', withGetter), reads);
proto.inherited = 'changed';
log(vm.runInContext('inherited', withGetter));
log(vm.runInContext('inherited = "own now"; inherited', withGetter), withGetter.hasOwnProperty('inherited'), proto.inherited);

// Read-only properties on the context object, sloppy and strict.
const frozen = vm.createContext(Object.defineProperty({}, 'ro', { value: 1, enumerable: true }));
log(vm.runInContext('ro = 2; ro', frozen), attempt(() => vm.runInContext('"use strict"; ro = 3', frozen)));
log(vm.runInContext('var ro2 = 1; Object.defineProperty(globalThis, "fixed", { value: 9, writable: false }); fixed = 10; [fixed, delete globalThis.fixed, delete globalThis.ro2, typeof ro2]', frozen));
log(Object.getOwnPropertyDescriptor(frozen, 'fixed'), 'ro2' in frozen);
log(attempt(() => vm.runInContext('Object.freeze(globalThis)', frozen)), vm.runInContext('Object.isExtensible(globalThis)', frozen));

// Deletes.
const del = vm.createContext({ a: 1 });
log(vm.runInContext('var v = 1; b = 2; [delete a, typeof a, delete b, typeof b, delete v, typeof v, delete globalThis.nothing]', del), Object.keys(del));

// Strict mode and undeclared names.
log(attempt(() => vm.runInContext('"use strict"; undeclared = 1', vm.createContext({}))));
log(vm.runInContext('typeof notThere', vm.createContext({})), attempt(() => vm.runInContext('notThere', vm.createContext({}))));

// A recursive global function, its name replaced from the host mid-way.
const rec = vm.createContext({});
vm.runInContext('function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }', rec);
const fibValue = vm.runInContext('fib(20)', rec);
rec.fib = (n) => -n;
log(fibValue, vm.runInContext('fib(20)', rec));

// Symbols as global keys, and `this` at top level.
const sym = Symbol.for('k');
const symbols = vm.createContext({ [sym]: 'symbol value' });
log(vm.runInContext('[globalThis[Symbol.for("k")], this === globalThis, Object.getOwnPropertySymbols(globalThis).length > 0]', symbols));

// Lookups that the engine caches by the context object's shape (the
// sandbox patch), changed while they are hot: inside one run, a loop reads
// the same names many times, and the host or the code changes what they
// find part-way.
const hot = { own: 'own', counter: 0 };
const hotProto = { inherited: 'proto', shadowed: 'proto' };
Object.setPrototypeOf(hot, hotProto);
Object.defineProperty(hot, 'getter', { get() { return this === hot ? 'this is the context object' : 'wrong this'; }, configurable: true });
vm.createContext(hot);
hot.change = (i) => {
  if (i === 3) hot.own = 'own changed';
  if (i === 5) delete hot.own;
  if (i === 7) hotProto.inherited = 'proto changed';
  if (i === 9) hot.shadowed = 'own shadow';
  if (i === 11) Object.setPrototypeOf(hot, { inherited: 'other proto' });
  if (i === 13) hot.JSON = 'shadowed JSON';
  if (i === 15) delete hot.JSON;
  if (i === 16) hot.undefined = 'not undefined';
};
log(vm.runInContext(`var rows = [];
for (var i = 0; i < 18; i++) {
  change(i);
  rows.push([typeof own === 'undefined' ? 'gone' : own, inherited, shadowed, getter, typeof JSON, String(undefined), counter++].join('/'));
}
rows`, hot));
log(hot.counter, vm.runInContext('counter', hot));
// The same code in two contexts, and a function of one context called by another.
const first = vm.createContext({ who: 'first' });
const second = vm.createContext({ who: 'second' });
const whoScript = new vm.Script('function who_() { return who; } var seen = []; for (var j = 0; j < 3; j++) seen.push(who); seen.join()');
log(whoScript.runInContext(first), whoScript.runInContext(second), whoScript.runInContext(first));
second.fromFirst = first.who_;
log(vm.runInContext('[fromFirst(), fromFirst(), who_()]', second));
// A context object that is a Proxy: lookups through its traps every time.
let trapped = 0;
const proxied = vm.createContext(new Proxy({ p: 1 }, { get(target, key, receiver) { if (key === 'p') trapped++; return Reflect.get(target, key, receiver); } }));
log(vm.runInContext('var total = 0; for (var k = 0; k < 5; k++) total += p; total', proxied), trapped);
