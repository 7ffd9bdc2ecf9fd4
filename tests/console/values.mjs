// One hundred values printed with console.log, as programs print them most.
// tests/console_output.rs runs this under `jsvm run` and compares each case
// with what Node 20 printed (values.node20.txt, recorded by
// `node tests/console/values.mjs > tests/console/values.node20.txt`).
// Nothing here may depend on file paths or timing: errors get fixed stacks.
import vm from 'node:vm';

let n = 0;
function show(...args) {
  n += 1;
  console.log(`-- ${n}`);
  console.log(...args);
}
const withStack = (error, stack) => { Object.defineProperty(error, 'stack', { value: stack, writable: true, configurable: true }); return error; };

// Primitives and strings.
show(42, -0, NaN, -Infinity, 1.5e300, 0.1 + 0.2);
show(123n, -5n, true, undefined, null);
show('top-level strings print raw', 'it\'s');
show(Symbol('s'), Symbol(), Symbol.iterator, Symbol.for('reg'));
show(['a', "it's", 'both \' and "', 'all \' " and `', 'tab\tnl\nend', '\u0001\u001b\u007f', 'ünïcødé', 'back\\slash']);
show({ text: 'a long string of text that goes on and on\nwith a second line\nand a third line that is long too' });
show(['x'.repeat(100)]);
show({ s: 'short' }, { empty: '' });

// Plain objects.
show({});
show({ a: 1, b: 'two', c: [3] });
show({ 'a-b': 1, $dollar: 2, _ok: 3, 1: 'one', '': 'empty', 'with space': 4, 'quote\'s': 5 });
show({ [Symbol('k')]: 1, [Symbol.for('g')]: 'g', plain: 2 });
show({ a: { b: { c: { d: { e: 1 } } } } });
show({ a: [{ b: [{ c: [1] }] }] });
show({ level1: { level2: { level3: 'deep', arr: [1, 2] }, list: [[1, [2, [3]]]] } });
show(Object.create(null));
show(Object.assign(Object.create(null), { x: 1, y: 'y' }));
show({ __proto__: { inherited: 1 }, own: 2 });
show({ ['__proto__']: 1 });
show({ und: undefined, nul: null, nan: NaN, neg: -0, big: 10n, sym: Symbol('v') });
show({ toString() { return 'custom'; }, valueOf() { return 1; } });

// Line breaking past the break length.
show({ alpha: 'aaaaaaaaaa', beta: 'bbbbbbbbbb', gamma: 'cccccccccc', delta: 'dddddddddd' });
show({ alpha: 'aaaaaaaaaa', beta: 'bbbbbbbbbb', gamma: 'cccccccccc', delta: 'dddddddddd', epsilon: 'eeeeee' });
show({ user: { name: 'Ada Lovelace', email: 'ada@example.com', roles: ['admin', 'author', 'reviewer'] }, active: true });
show([{ id: 1, name: 'first', tags: ['a', 'b'] }, { id: 2, name: 'second', tags: [] }, { id: 3, name: 'third', tags: ['c'] }]);
show({ matrix: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], nested: { inner: { innermost: [1, 2, 3] } } });
show({ fn() {}, arrow: () => {}, list: [1, 2, 3], map: new Map([['k', 'v']]), set: new Set([1]), date: new Date(0) });

// Arrays.
show([]);
show([1, 2, 3]);
show(Array.from({ length: 30 }, (_, i) => i * 3));
show(Array.from({ length: 26 }, (_, i) => String.fromCharCode(97 + i).repeat(i % 5 + 1)));
show(Array.from({ length: 120 }, (_, i) => i));
show(Array.from({ length: 7 }, (_, i) => ({ i })));
show([1, 'two', [3, [4, [5, [6]]]], { seven: 7 }]);
show([-1, 22, -333, 4444, -55555, 666666, -7777777, 88888888]);
show([1.5, 22.25, 333.125, 4, 5, 6, 7, 8, 9, 10]);
show([1n, 22n, 333n, 4444n, 55555n, 666666n, 7777777n]);
show(['a', 1, 'bb', 2, 'ccc', 3, 'dddd', 4]);
show([true, false, null, undefined, NaN, 0, -0]);

// Sparse arrays and arrays with extra keys.
show([1, , 3]);
show(new Array(5));
show([, , 1, , , ]);
show(Object.assign([1, 2], { extra: 'yes', [Symbol('s')]: 1 }));
show(Object.assign(new Array(3), { 1: 'middle' }));

// Circular references.
const self = { name: 'self' };
self.self = self;
show(self);
const a = { name: 'a' };
const b = { name: 'b', a };
a.b = b;
a.list = [a, b];
show(a);
const ring = [1];
ring.push(ring);
show(ring);
const m = new Map();
m.set('me', m);
show(m);

// Functions and classes.
function named() {}
show(named, function () {}, () => {}, (() => () => {})());
show(async function af() {}, function* gen() {}, async function* ag() {}, async () => {});
class Animal {}
class Dog extends Animal { bark() { return 'woof'; } }
show(Animal, Dog, class {}, class extends Dog {});
show(Object.assign(function withProps() {}, { a: 1, b: 'x' }));
show(named.bind(null), Math.max, Array.prototype.push, Symbol);
show({ method() {}, async am() {}, *gm() {}, get g() { return 1; }, set s(v) {}, get gs() { return 1; }, set gs(v) {} });
class WithStatic { static count = 3; static label = 'x'; }
show(WithStatic);
show(Object.setPrototypeOf(function orphan() {}, null));

// Class instances.
class Point { constructor(x, y) { this.x = x; this.y = y; } }
show(new Point(1, 2), new Dog(), new Animal());
show([new Point(1, 2), new Point(3, 4)]);
class Tagged { get [Symbol.toStringTag]() { return 'TagName'; } }
show(new Tagged(), { [Symbol.toStringTag]: 'OwnTag' });
show(Object.create(Point.prototype));
show(Object.create(Object.create(null)));
class Custom { [Symbol.for('nodejs.util.inspect.custom')]() { return 'Custom<inspected>'; } }
show(new Custom(), { nested: new Custom() });

// Built-in objects.
show(new Date(0), new Date(NaN));
show(/ab+c/gi, new RegExp('a/b'), Object.assign(/x/, { extra: 1 }));
show(new Map([[1, 'a'], ['b', { c: 2 }], [{ k: 1 }, [1]]]));
show(new Set([1, 'x', { y: 2 }, [3]]), new Map(), new Set());
show({ map: new Map([['nested', new Map([['deeper', new Map([['deepest', 1]])]])]]) });
show(new WeakMap(), new WeakSet());
show(new Number(3), new String('ab'), new Boolean(false), Object(1n), Object(Symbol('boxed')));
show(Object.assign(new Number(-0), { extra: true }));
show(new Uint8Array([1, 2, 255]), new Float64Array([1.5, -0, NaN]), new BigInt64Array([1n, -2n]));
show(new Int16Array(0), new Uint8Array(150));
show(new ArrayBuffer(4), new DataView(new ArrayBuffer(2)));
show([new Uint8Array(3)], { buf: new Uint16Array([1, 2]) });
show(Promise.resolve(42), Promise.reject(new Error('handled')).catch(() => {}) && Promise.resolve({ ok: true }));
show(new Promise(() => {}));
const rejected = Promise.reject(withStack(new Error('nope'), 'Error: nope'));
rejected.catch(() => {});
show(rejected);
show((function () { return arguments; })(1, 'two'));
show(new Proxy({ target: true }, {}), new Proxy([1, 2], {}));
show(globalThis.JSON, Math);

// Errors (with fixed stacks: frames name files).
show(withStack(new Error('boom'), 'Error: boom\n    at f (file.js:1:1)\n    at g (file.js:2:2)'));
show(withStack(new TypeError('bad type'), 'TypeError: bad type'));
show(Object.assign(withStack(new RangeError('out'), 'RangeError: out\n    at x (y.js:3:4)'), { code: 'ERR_OUT', detail: { n: 1 } }));
class MyError extends Error {}
show(withStack(new MyError('mine'), 'Error: mine\n    at z (z.js:1:1)'));
const renamed = withStack(new Error('renamed'), 'Error: renamed');
renamed.name = 'CustomName';
show(renamed);
show({ error: withStack(new Error('inside'), 'Error: inside\n    at h (h.js:5:6)') });
show(withStack(new Error('with cause', { cause: 'the cause' }), 'Error: with cause'));
show([withStack(new SyntaxError('in array'), 'SyntaxError: in array')]);

// Format strings.
show('%s is %d years and %i days', 'Ada', 36.6, 12.9);
show('%f and %f', '3.25abc', 'x');
show('%j', { a: [1, 'x'] });
const loop = { name: 'loop' };
loop.loop = loop;
show('%j', loop);
show('%o', { a: 1, b: [1, 2] });
show('%O', { a: { b: { c: { d: 1 } } } });
show('%c styled %c', 'color: red', 'font-weight: bold');
show('100%% sure %s', 'yes', 'extra', 42, { more: true });
show('%s and %s', 'only one');
show('%s %s %s %s', { a: 1 }, [1, 2], null, Symbol('sym'));
show('%s', new Point(1, 2), '%s', -0, 5n);
show('%d %i %d', 12n, '42px', {});
show('%x is not a placeholder %s', 'ok');
show(1, 'a', { b: 2 }, [3], null, undefined);
show('%s', 'x'.repeat(3), { toString() { return 'obj with toString'; } });

// Values from other contexts (node:vm).
show(vm.runInNewContext('({ a: [1, 2], m: new Map([[1, 2]]), s: new Set(["x"]), f() {}, c: class Q {} })'));
show(vm.runInNewContext('[new Date(0), /re/g, Object.create(null), new Uint8Array(2)]'));
const sandbox = vm.createContext({ visible: 1, nested: { deep: true } });
vm.runInContext('var added = "from inside"; globalThis.also = [1]', sandbox);
show(sandbox);
show(vm.runInNewContext('class Inner { constructor() { this.v = 1; } }; [Inner, new Inner()]'));
show(vm.runInNewContext('const e = new TypeError("ctx error"); Object.defineProperty(e, "stack", { value: "TypeError: ctx error" }); e'));
show(vm.runInNewContext('(function* () {})'), vm.runInNewContext('(async () => {})'));
