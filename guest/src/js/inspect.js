// Node's util.inspect and util.format, which its console prints with: the
// same layout rules (line breaking at breakLength 80 with up to 3 inner
// levels on a line, array grouping in columns, depth 2 then `[Object]`,
// `<ref *1>` / `[Circular *1]`), the same names for every kind of value
// (`[class A]`, `[Function: f]`, `Map(1) {...}`, `[Getter]`, sparse arrays,
// typed arrays, boxed primitives, errors and their own properties) and the
// same placeholders (`%s %d %i %f %j %o %O %c`). Written from Node 20's
// documented behaviour and checked value by value against its output
// (tests/console). Values from every realm are recognised by their internal
// slots (brand checks), never by `instanceof`, so a context's objects print
// as the main program's do. Colors and `sorted`/`getters` are not offered:
// the console writes to a host stream, which is never a terminal here.
// Its helpers stay private to this file (the bootstrap's files share one
// scope): only `inspect` and `format` are seen by the others.

const { inspect, format } = (() => {
const kInspectCustom = Symbol.for('nodejs.util.inspect.custom');
const kObjectType = 0;
const kArrayType = 1;
const kArrayExtrasType = 2;
const kMinLineLength = 16;
const kInspectDefaults = Object.freeze({
  depth: 2, showHidden: false, showProxy: false, customInspect: true, maxArrayLength: 100,
  maxStringLength: 10000, breakLength: 80, compact: 3,
});

// The main realm's built-ins, taken before any program runs, so a program
// that replaces `Map.prototype.has` does not change how values print.
const uncurry = Function.prototype.call.bind.bind(Function.prototype.call);
const getterOf = (proto, key) => uncurry(Object.getOwnPropertyDescriptor(proto, key).get);
/** A predicate that holds when `check(value)` does not throw. */
const branded = (check) => (value) => { try { check(value); return true; } catch { return false; } };
const objectToString = uncurry(Object.prototype.toString);
const functionToString = uncurry(Function.prototype.toString);
const hasOwn = uncurry(Object.prototype.hasOwnProperty);
const isEnumerable = uncurry(Object.prototype.propertyIsEnumerable);
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayTag = getterOf(typedArrayProto, Symbol.toStringTag);
const typedArrayLength = getterOf(typedArrayProto, 'length');
const mapSize = getterOf(Map.prototype, 'size');
const setSize = getterOf(Set.prototype, 'size');
const mapEntries = uncurry(Map.prototype.entries);
const setValues = uncurry(Set.prototype.values);
const dateGetTime = uncurry(Date.prototype.getTime);
const dateToISOString = uncurry(Date.prototype.toISOString);
const dateToString = uncurry(Date.prototype.toString);
const regExpToString = uncurry(RegExp.prototype.toString);
const errorToString = uncurry(Error.prototype.toString);
const arrayBufferByteLength = getterOf(ArrayBuffer.prototype, 'byteLength');
const sharedByteLength = typeof SharedArrayBuffer === 'function'
  ? getterOf(SharedArrayBuffer.prototype, 'byteLength') : () => { throw new TypeError(); };
const boxes = [
  ['Number', uncurry(Number.prototype.valueOf)],
  ['String', uncurry(String.prototype.valueOf)],
  ['Boolean', uncurry(Boolean.prototype.valueOf)],
  ['BigInt', uncurry(BigInt.prototype.valueOf)],
  ['Symbol', uncurry(Symbol.prototype.valueOf)],
];
const is = {
  map: branded(mapSize),
  set: branded(setSize),
  weakMap: branded(uncurry(WeakMap.prototype.has)),
  weakSet: branded(uncurry(WeakSet.prototype.has)),
  date: branded(dateGetTime),
  regExp: branded(getterOf(RegExp.prototype, 'source')),
  arrayBuffer: branded(arrayBufferByteLength),
  sharedArrayBuffer: branded(sharedByteLength),
  dataView: branded(getterOf(DataView.prototype, 'byteLength')),
  typedArray: (value) => typedArrayTag(value) !== undefined,
  promise: (value) => { try { native.promiseState(value); return true; } catch { return false; } },
  error: (value) => objectToString(value) === '[object Error]' || value instanceof Error,
  arguments: (value) => objectToString(value) === '[object Arguments]',
  moduleNamespace: (value) => Object.getPrototypeOf(value) === null && objectToString(value) === '[object Module]',
};

/** The kind of a boxed primitive (`['Number', valueOf]`), or undefined. */
function boxOf(value) {
  for (const box of boxes) {
    try { box[1](value); return box; } catch { /* not this kind */ }
  }
  return undefined;
}

// Escapes for a string's characters, as Node writes them.
const kEscapes = new Map([[8, '\\b'], [9, '\\t'], [10, '\\n'], [12, '\\f'], [13, '\\r'], [39, "\\'"], [92, '\\\\']]);
const escapeCode = (code) => kEscapes.get(code) ?? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
const kNeedsEscape = /[\x00-\x1f\x27\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const kNeedsEscapeNoQuote = /[\x00-\x1f\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const escapeMatch = (ch) => {
  const code = ch.charCodeAt(0);
  return code >= 0xd800 && code <= 0xdfff ? `\\u${code.toString(16)}` : escapeCode(code);
};

/**
 * A string as a quoted literal: single quotes unless the text has one, then
 * double quotes, then backticks (when neither is free, single quotes with
 * the quote escaped).
 */
function quote(str) {
  let q = "'";
  let pattern = kNeedsEscape;
  if (str.includes("'")) {
    if (!str.includes('"')) q = '"';
    else if (!str.includes('`') && !str.includes('${')) q = '`';
    if (q !== "'") pattern = kNeedsEscapeNoQuote;
  }
  pattern.lastIndex = 0;
  return `${q}${str.replace(pattern, escapeMatch)}${q}`;
}

const kSimpleKey = /^[a-zA-Z_][a-zA-Z_0-9]*$/;
const kArrayIndex = /^(0|[1-9][0-9]*)$/;

/** Display width: wide East Asian characters and emoji count twice, marks none. */
function stringWidth(str) {
  let width = 0;
  for (const ch of str.normalize('NFC')) {
    const code = ch.codePointAt(0);
    if (code < 0x7f) width += code >= 32 ? 1 : 0;
    else if (code <= 0x9f || (code >= 0x300 && code <= 0x36f) || (code >= 0x200b && code <= 0x200f)
      || (code >= 0xfe00 && code <= 0xfe0f) || (code >= 0xfe20 && code <= 0xfe2f)) width += 0;
    else if ((code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f)
      || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe6f)
      || (code >= 0xff00 && code <= 0xff60) || (code >= 0xffe0 && code <= 0xffe6)
      || (code >= 0x1f300 && code <= 0x1f64f) || (code >= 0x1f900 && code <= 0x1f9ff)
      || (code >= 0x20000 && code <= 0x3fffd)) width += 2;
    else width += 1;
  }
  return width;
}

/** `util.inspect(value, options)`. */
function inspect(value, options) {
  const ctx = {
    ...kInspectDefaults, seen: [], circular: undefined, indentationLvl: 0, currentDepth: 0, userOptions: undefined,
  };
  if (options !== null && typeof options === 'object') {
    for (const key of Object.keys(options)) {
      if (hasOwn(kInspectDefaults, key)) ctx[key] = options[key];
      else if (ctx.userOptions === undefined) ctx.userOptions = options;
    }
  }
  if (ctx.maxArrayLength === null) ctx.maxArrayLength = Infinity;
  if (ctx.maxStringLength === null) ctx.maxStringLength = Infinity;
  return formatValue(ctx, value, 0);
}
inspect.custom = kInspectCustom;

function formatValue(ctx, value, recurseTimes, inTypedArray) {
  if (typeof value !== 'object' && typeof value !== 'function') return formatPrimitive(value, ctx);
  if (value === null) return 'null';
  const context = value;
  // A Proxy prints as its target, and no trap runs (a host object's proxy
  // is the host object: it prints through its traps).
  const proxy = hostObjectId(value) === undefined ? native.proxyDetails(value) : undefined;
  if (proxy !== undefined) {
    if (proxy === null) return '<Revoked Proxy>';
    if (ctx.showProxy) return formatProxy(ctx, proxy, recurseTimes);
    value = proxy[0];
  }
  if (ctx.customInspect) {
    let custom;
    try { custom = value[kInspectCustom]; } catch { custom = undefined; }
    if (typeof custom === 'function' && custom !== inspect && !isPrototypeObject(value)) {
      const depth = ctx.depth === null ? null : ctx.depth - recurseTimes;
      const options = { ...(ctx.userOptions ?? {}), ...optionsOf(ctx), stylize: (s) => s };
      const result = Reflect.apply(custom, context, [depth, options, inspect]);
      if (result !== context) {
        if (typeof result !== 'string') return formatValue(ctx, result, recurseTimes);
        return result.replaceAll('\n', `\n${' '.repeat(ctx.indentationLvl)}`);
      }
    }
  }
  if (ctx.seen.includes(value)) {
    ctx.circular ??= new Map();
    let index = ctx.circular.get(value);
    if (index === undefined) {
      index = ctx.circular.size + 1;
      ctx.circular.set(value, index);
    }
    return `[Circular *${index}]`;
  }
  return formatRaw(ctx, value, recurseTimes, inTypedArray);
}

/** The options a custom inspect function is given (Node's inspect options). */
function optionsOf(ctx) {
  const options = {};
  for (const key of Object.keys(kInspectDefaults)) options[key] = ctx[key];
  return options;
}

function isPrototypeObject(value) {
  try {
    return typeof value.constructor === 'function' && value.constructor.prototype === value;
  } catch {
    return false;
  }
}

function formatProxy(ctx, [target, handler], recurseTimes) {
  if (recurseTimes > ctx.depth && ctx.depth !== null) return 'Proxy [Array]';
  ctx.indentationLvl += 2;
  const output = [formatValue(ctx, target, recurseTimes + 1), formatValue(ctx, handler, recurseTimes + 1)];
  ctx.indentationLvl -= 2;
  return reduceToSingleString(ctx, output, '', ['Proxy [', ']'], kArrayExtrasType, recurseTimes + 1);
}

/**
 * The name of the first constructor up the prototype chain that `obj` is an
 * instance of; null for an object whose chain ends without one.
 */
function constructorName(obj, ctx, recurseTimes) {
  let firstProto;
  const original = obj;
  while (obj) {
    const desc = Object.getOwnPropertyDescriptor(obj, 'constructor');
    if (desc !== undefined && typeof desc.value === 'function' && desc.value.name !== '' && instanceOf(original, desc.value)) {
      return String(desc.value.name);
    }
    obj = Object.getPrototypeOf(obj);
    if (firstProto === undefined) firstProto = obj;
  }
  if (firstProto === null) return null;
  const base = typeof original === 'function' ? 'Function' : 'Object';
  if (recurseTimes > ctx.depth && ctx.depth !== null) return `${base} <Complex prototype>`;
  const protoName = constructorName(firstProto, ctx, recurseTimes + 1);
  if (protoName === null) {
    return `${base} <${inspect(firstProto, { ...optionsOf(ctx), customInspect: false, depth: -1 })}>`;
  }
  return `${base} <${protoName}>`;
}

function instanceOf(object, constructor) {
  try {
    return object instanceof constructor;
  } catch {
    return false;
  }
}

function prefixOf(constructor, tag, fallback, size = '') {
  if (constructor === null) {
    if (tag !== '' && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `;
    return `[${fallback}${size}: null prototype] `;
  }
  if (tag !== '' && constructor !== tag) return `${constructor}${size} [${tag}] `;
  return `${constructor}${size} `;
}

/** Own keys shown: enumerable names and symbols (all of them with showHidden). */
function keysOf(value, showHidden) {
  const symbols = Object.getOwnPropertySymbols(value);
  let keys;
  if (showHidden) {
    keys = Object.getOwnPropertyNames(value);
    keys.push(...symbols);
    return keys;
  }
  try {
    keys = Object.keys(value);
  } catch {
    // A namespace object of a module not yet evaluated.
    keys = Object.getOwnPropertyNames(value);
  }
  keys.push(...symbols.filter((key) => isEnumerable(value, key)));
  return keys;
}

/** Own keys of an array-like that are not indices. */
function nonIndexKeysOf(value, showHidden) {
  return keysOf(value, showHidden).filter((key) => typeof key === 'symbol' || !kArrayIndex.test(key));
}

function ctxStyle(value, constructor, tag) {
  let fallback = '';
  if (constructor === null) {
    fallback = typeof value === 'function' ? 'Function' : 'Object';
    if (fallback === tag) fallback = 'Object';
  }
  return prefixOf(constructor, tag, fallback);
}

function formatRaw(ctx, value, recurseTimes, inTypedArray) {
  const constructor = constructorName(value, ctx, recurseTimes);
  let tag = value[Symbol.toStringTag];
  // The tag is listed only when it is not an own (enumerable) key already.
  if (typeof tag !== 'string' || (tag !== '' && (ctx.showHidden ? hasOwn : isEnumerable)(value, Symbol.toStringTag))) {
    tag = '';
  }
  let base = '';
  let formatter = () => [];
  let braces;
  let keys;
  let extrasType = kObjectType;
  let iterable = false;

  if (Symbol.iterator in value || constructor === null) {
    iterable = true;
    if (Array.isArray(value)) {
      const prefix = constructor !== 'Array' || tag !== '' ? prefixOf(constructor, tag, 'Array', `(${value.length})`) : '';
      keys = nonIndexKeysOf(value, ctx.showHidden);
      braces = [`${prefix}[`, ']'];
      if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
      extrasType = kArrayExtrasType;
      formatter = formatArray;
    } else if (is.set(value)) {
      const size = setSize(value);
      const prefix = prefixOf(constructor, tag, 'Set', `(${size})`);
      keys = keysOf(value, ctx.showHidden);
      formatter = (c, v, r) => formatCollection(c, setValues(value), size, r, (item) => formatValue(c, item, r));
      if (size === 0 && keys.length === 0) return `${prefix}{}`;
      braces = [`${prefix}{`, '}'];
    } else if (is.map(value)) {
      const size = mapSize(value);
      const prefix = prefixOf(constructor, tag, 'Map', `(${size})`);
      keys = keysOf(value, ctx.showHidden);
      formatter = (c, v, r) => formatCollection(c, mapEntries(value), size, r,
        ([k, item]) => `${formatValue(c, k, r)} => ${formatValue(c, item, r)}`);
      if (size === 0 && keys.length === 0) return `${prefix}{}`;
      braces = [`${prefix}{`, '}'];
    } else if (is.typedArray(value)) {
      keys = nonIndexKeysOf(value, ctx.showHidden);
      const size = typedArrayLength(value);
      const prefix = prefixOf(constructor, tag, constructor === null ? typedArrayTag(value) : '', `(${size})`);
      braces = [`${prefix}[`, ']'];
      if (size === 0 && keys.length === 0 && !ctx.showHidden) return `${braces[0]}]`;
      formatter = (c, v, r) => formatTypedArray(c, value, size, r);
      extrasType = kArrayExtrasType;
    } else {
      iterable = false;
    }
  }
  if (!iterable) {
    keys = keysOf(value, ctx.showHidden);
    braces = ['{', '}'];
    if (typeof value === 'function') {
      base = functionBase(value, constructor, tag);
      if (keys.length === 0) return base;
    } else if (constructor === 'Object') {
      if (is.arguments(value)) braces[0] = '[Arguments] {';
      else if (tag !== '') braces[0] = `${prefixOf(constructor, tag, 'Object')}{`;
      if (keys.length === 0) return `${braces[0]}}`;
    } else if (is.regExp(value)) {
      base = regExpToString(constructor !== null ? value : new RegExp(value));
      const prefix = prefixOf(constructor, tag, 'RegExp');
      if (prefix !== 'RegExp ') base = `${prefix}${base}`;
      if (keys.length === 0 || (recurseTimes > ctx.depth && ctx.depth !== null)) return base;
    } else if (is.date(value)) {
      base = Number.isNaN(dateGetTime(value)) ? dateToString(value) : dateToISOString(value);
      const prefix = prefixOf(constructor, tag, 'Date');
      if (prefix !== 'Date ') base = `${prefix}${base}`;
      if (keys.length === 0) return base;
    } else if (is.error(value)) {
      base = formatError(value, constructor, tag, ctx, keys);
      if (keys.length === 0) return base;
    } else if (is.arrayBuffer(value) || is.sharedArrayBuffer(value)) {
      const shared = !is.arrayBuffer(value);
      const prefix = prefixOf(constructor, tag, shared ? 'SharedArrayBuffer' : 'ArrayBuffer');
      const byteLength = shared ? sharedByteLength(value) : arrayBufferByteLength(value);
      if (inTypedArray === undefined) formatter = formatArrayBuffer;
      else if (keys.length === 0) return `${prefix}{ byteLength: ${formatNumber(byteLength)} }`;
      braces[0] = `${prefix}{`;
      keys.unshift('byteLength');
    } else if (is.dataView(value)) {
      braces[0] = `${prefixOf(constructor, tag, 'DataView')}{`;
      keys.unshift('byteLength', 'byteOffset', 'buffer');
    } else if (is.promise(value)) {
      braces[0] = `${prefixOf(constructor, tag, 'Promise')}{`;
      formatter = formatPromise;
    } else if (is.weakSet(value)) {
      braces[0] = `${prefixOf(constructor, tag, 'WeakSet')}{`;
      formatter = () => ['<items unknown>'];
    } else if (is.weakMap(value)) {
      braces[0] = `${prefixOf(constructor, tag, 'WeakMap')}{`;
      formatter = () => ['<items unknown>'];
    } else if (is.moduleNamespace(value)) {
      braces[0] = `${prefixOf(constructor, tag, 'Module')}{`;
      const names = keys;
      keys = [];
      formatter = (c, v, r) => formatNamespace(c, v, r, names);
    } else if (boxOf(value) !== undefined) {
      base = boxedBase(value, ctx, keys, constructor, tag);
      if (keys.length === 0) return base;
    } else {
      if (keys.length === 0) return `${ctxStyle(value, constructor, tag)}{}`;
      braces[0] = `${ctxStyle(value, constructor, tag)}{`;
    }
  }

  if (recurseTimes > ctx.depth && ctx.depth !== null) {
    const name = ctxStyle(value, constructor, tag).slice(0, -1);
    return constructor !== null ? `[${name}]` : name;
  }
  recurseTimes += 1;
  ctx.seen.push(value);
  ctx.currentDepth = recurseTimes;
  const indentationLvl = ctx.indentationLvl;
  let output;
  try {
    output = formatter(ctx, value, recurseTimes);
    for (const key of keys) output.push(formatProperty(ctx, value, recurseTimes, key, extrasType));
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    ctx.seen.pop();
    ctx.indentationLvl = indentationLvl;
    const name = ctxStyle(value, constructor, tag).slice(0, -1);
    return `[${name}: Inspection interrupted prematurely. Maximum call stack size exceeded.]`;
  }
  if (ctx.circular !== undefined) {
    const index = ctx.circular.get(value);
    if (index !== undefined) base = base === '' ? `<ref *${index}>` : `<ref *${index}> ${base}`;
  }
  ctx.seen.pop();
  return reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
}

function isStackOverflow(error) {
  try {
    return error instanceof RangeError && /call stack/i.test(error.message);
  } catch {
    return false;
  }
}

function functionBase(value, constructor, tag) {
  if (native.isClass(value)) return classBase(value, constructor, tag);
  const kind = objectToString(value).slice(8, -1);
  const type = kind === 'AsyncFunction' || kind === 'GeneratorFunction' || kind === 'AsyncGeneratorFunction' ? kind : 'Function';
  let base = `[${type}`;
  if (constructor === null) base += ' (null prototype)';
  let name;
  try { name = value.name; } catch { name = ''; }
  base += name === '' || typeof name !== 'string' ? ' (anonymous)' : `: ${name}`;
  base += ']';
  if (constructor !== type && constructor !== null) base += ` ${constructor}`;
  if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
  return base;
}

function classBase(value, constructor, tag) {
  const name = (hasOwn(value, 'name') && value.name) || '(anonymous)';
  let base = `class ${name}`;
  if (constructor !== 'Function' && constructor !== null) base += ` [${constructor}]`;
  if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
  if (constructor !== null) {
    const superName = Object.getPrototypeOf(value).name;
    if (superName) base += ` extends ${superName}`;
  } else {
    base += ' extends [null prototype]';
  }
  return `[${base}]`;
}

function boxedBase(value, ctx, keys, constructor, tag) {
  const [type, valueOf] = boxOf(value);
  // A String object's index keys repeat its text.
  if (type === 'String') keys.splice(0, valueOf(value).length);
  let base = `[${type}`;
  if (type !== constructor) base += constructor === null ? ' (null prototype)' : ` (${constructor})`;
  base += `: ${formatPrimitive(valueOf(value), { ...ctx, compact: true })}]`;
  if (tag !== '' && tag !== constructor) base += ` [${tag}]`;
  return base;
}

function formatError(error, constructor, tag, ctx, keys) {
  const name = error.name != null ? String(error.name) : 'Error';
  let stack = stackText(error);
  // Keys the stack already shows are left out.
  if (!ctx.showHidden && keys.length !== 0) {
    for (const key of ['name', 'message', 'stack']) {
      const index = keys.indexOf(key);
      if (index !== -1 && stack.includes(error[key])) keys.splice(index, 1);
    }
  }
  if ('cause' in error && !keys.includes('cause')) keys.push('cause');
  if (Array.isArray(error.errors) && !keys.includes('errors')) keys.push('errors');
  stack = improveStack(stack, constructor, name, tag);
  let pos = (error.message && stack.indexOf(error.message)) || -1;
  if (pos !== -1) pos += error.message.length;
  const framesStart = stack.indexOf('\n    at', pos);
  if (framesStart === -1) {
    stack = `[${stack}]`;
  } else {
    const frames = framesWithoutCause(error, stack.slice(framesStart + 1).split('\n'));
    stack = `${stack.slice(0, framesStart)}\n${frames.join('\n')}`;
  }
  if (ctx.indentationLvl !== 0) stack = stack.replaceAll('\n', `\n${' '.repeat(ctx.indentationLvl)}`);
  return stack;
}

function stackText(error) {
  return error.stack ? String(error.stack) : errorToString(error);
}

/** Names an error after its class when that differs from its `name`. */
function improveStack(stack, constructor, name, tag) {
  let len = name.length;
  if (constructor === null
    || (name.endsWith('Error') && stack.startsWith(name) && (stack.length === len || stack[len] === ':' || stack[len] === '\n'))) {
    let fallback = 'Error';
    if (constructor === null) {
      const start = /^([A-Z][a-z_ A-Z0-9[\]()-]+)(?::|\n {4}at)/.exec(stack) || /^([a-z_A-Z0-9-]*Error)$/.exec(stack);
      fallback = (start && start[1]) || '';
      len = fallback.length;
      fallback = fallback || 'Error';
    }
    const prefix = prefixOf(constructor, tag, fallback).slice(0, -1);
    if (name !== prefix) {
      if (prefix.includes(name)) stack = len === 0 ? `${prefix}: ${stack}` : `${prefix}${stack.slice(len)}`;
      else stack = `${prefix} [${name}]${stack.slice(len)}`;
    }
  }
  return stack;
}

/** Frames shared with the error's cause's stack collapse into one line. */
function framesWithoutCause(error, frames) {
  let cause;
  try { ({ cause } = error); } catch { return frames; }
  if (cause == null || !is.error(cause)) return frames;
  const causeStack = stackText(cause);
  const start = causeStack.indexOf('\n    at');
  if (start === -1) return frames;
  const causeFrames = causeStack.slice(start + 1).split('\n');
  for (let i = 0; i < frames.length - 3; i++) {
    const pos = causeFrames.indexOf(frames[i]);
    if (pos === -1 || causeFrames.length - pos <= 3) continue;
    let len = 1;
    const maxLen = Math.min(frames.length - i, causeFrames.length - pos);
    while (maxLen > len && frames[i + len] === causeFrames[pos + len]) len++;
    if (len > 3) {
      frames.splice(i + 1, len - 2, `    ... ${len - 2} lines matching cause stack trace ...`);
      return frames;
    }
  }
  return frames;
}

const moreItems = (remaining) => `... ${remaining} more item${remaining > 1 ? 's' : ''}`;

function formatNumber(number) {
  return Object.is(number, -0) ? '-0' : `${number}`;
}

function formatPrimitive(value, ctx) {
  switch (typeof value) {
    case 'string': {
      let trailer = '';
      if (value.length > ctx.maxStringLength) {
        const remaining = value.length - ctx.maxStringLength;
        value = value.slice(0, ctx.maxStringLength);
        trailer = `... ${remaining} more character${remaining > 1 ? 's' : ''}`;
      }
      // A long string breaks after each of its newlines.
      if (ctx.compact !== true && value.length > kMinLineLength && value.length > ctx.breakLength - ctx.indentationLvl - 4) {
        return value.split(/(?<=\n)/).map(quote).join(` +\n${' '.repeat(ctx.indentationLvl + 2)}`) + trailer;
      }
      return quote(value) + trailer;
    }
    case 'number': return formatNumber(value);
    case 'bigint': return `${value}n`;
    case 'symbol': return Symbol.prototype.toString.call(value);
    default: return `${value}`;
  }
}

function formatNamespace(ctx, value, recurseTimes, names) {
  return names.map((key) => {
    try {
      return formatProperty(ctx, value, recurseTimes, key, kObjectType);
    } catch {
      // A binding not yet initialised.
      return `${formatKey(key, { enumerable: true })}: <uninitialized>`;
    }
  });
}

function formatArray(ctx, value, recurseTimes) {
  const length = value.length;
  const shown = Math.min(Math.max(0, ctx.maxArrayLength), length);
  const output = [];
  for (let i = 0; i < shown; i++) {
    if (!hasOwn(value, i)) return formatSparseArray(ctx, value, recurseTimes, shown, output, i);
    output.push(formatProperty(ctx, value, recurseTimes, i, kArrayType));
  }
  if (length > shown) output.push(moreItems(length - shown));
  return output;
}

/** An array with holes: each run of holes is `<n empty items>`. */
function formatSparseArray(ctx, value, recurseTimes, maxLength, output, i) {
  const keys = Object.keys(value);
  let index = i;
  for (; i < keys.length && output.length < maxLength; i++) {
    const key = keys[i];
    const n = +key;
    if (n > 2 ** 32 - 2) break;
    if (`${index}` !== key) {
      if (!kArrayIndex.test(key)) break;
      const empty = n - index;
      output.push(`<${empty} empty item${empty > 1 ? 's' : ''}>`);
      index = n;
      if (output.length === maxLength) break;
    }
    output.push(formatProperty(ctx, value, recurseTimes, key, kArrayType));
    index++;
  }
  const remaining = value.length - index;
  if (output.length !== maxLength) {
    if (remaining > 0) output.push(`<${remaining} empty item${remaining > 1 ? 's' : ''}>`);
  } else if (remaining > 0) {
    output.push(moreItems(remaining));
  }
  return output;
}

function formatTypedArray(ctx, value, length, recurseTimes) {
  const shown = Math.min(Math.max(0, ctx.maxArrayLength), length);
  const output = [];
  for (let i = 0; i < shown; i++) output.push(formatPrimitive(value[i], ctx));
  if (length > shown) output.push(moreItems(length - shown));
  if (ctx.showHidden) {
    ctx.indentationLvl += 2;
    for (const key of ['BYTES_PER_ELEMENT', 'length', 'byteLength', 'byteOffset', 'buffer']) {
      output.push(`[${key}]: ${formatValue(ctx, value[key], recurseTimes, true)}`);
    }
    ctx.indentationLvl -= 2;
  }
  return output;
}

function formatArrayBuffer(ctx, value) {
  let bytes;
  try {
    bytes = new Uint8Array(value);
  } catch {
    return ['(detached)'];
  }
  const shown = Math.min(ctx.maxArrayLength, bytes.length);
  let hex = '';
  for (let i = 0; i < shown; i++) hex += `${i === 0 ? '' : ' '}${bytes[i].toString(16).padStart(2, '0')}`;
  const remaining = bytes.length - shown;
  if (remaining > 0) hex += ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}`;
  return [`[Uint8Contents]: <${hex}>`];
}

/** Set values or Map entries (from an iterator taken before user code runs). */
function formatCollection(ctx, iterator, size, recurseTimes, format) {
  const shown = Math.min(Math.max(0, ctx.maxArrayLength), size);
  const output = [];
  ctx.indentationLvl += 2;
  for (const item of { [Symbol.iterator]: () => iterator }) {
    if (output.length >= shown) break;
    output.push(format(item));
  }
  if (size > shown) output.push(moreItems(size - shown));
  ctx.indentationLvl -= 2;
  return output;
}

function formatPromise(ctx, value, recurseTimes) {
  const [state, result] = native.promiseState(value);
  if (state === 'pending') return ['<pending>'];
  ctx.indentationLvl += 2;
  const str = formatValue(ctx, result, recurseTimes);
  ctx.indentationLvl -= 2;
  return [state === 'rejected' ? `<rejected> ${str}` : str];
}

function formatKey(key, desc) {
  if (typeof key === 'symbol') return `[${Symbol.prototype.toString.call(key).replace(kNeedsEscape, escapeMatch)}]`;
  if (key === '__proto__') return "['__proto__']";
  if (desc.enumerable === false) return `[${String(key).replace(kNeedsEscape, escapeMatch)}]`;
  if (kSimpleKey.test(key)) return key;
  return quote(String(key));
}

function formatProperty(ctx, value, recurseTimes, key, type) {
  const desc = Object.getOwnPropertyDescriptor(value, key) ?? { value: value[key], enumerable: true };
  let str;
  if (desc.value !== undefined) {
    ctx.indentationLvl += 2;
    str = formatValue(ctx, desc.value, recurseTimes);
    ctx.indentationLvl -= 2;
  } else if (desc.get !== undefined) {
    str = desc.set !== undefined ? '[Getter/Setter]' : '[Getter]';
  } else if (desc.set !== undefined) {
    str = '[Setter]';
  } else {
    str = 'undefined';
  }
  if (type === kArrayType) return str;
  return `${formatKey(key, desc)}: ${str}`;
}

function isBelowBreakLength(ctx, output, start, base) {
  let totalLength = output.length + start;
  if (totalLength + output.length > ctx.breakLength) return false;
  for (const entry of output) {
    totalLength += entry.length;
    if (totalLength > ctx.breakLength) return false;
  }
  return base === '' || !base.includes('\n');
}

/**
 * Joins the entries on one line when they fit (and the object is no more
 * than `compact` levels above the innermost one), else one entry a line.
 */
function reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value) {
  if (ctx.compact !== true) {
    if (typeof ctx.compact === 'number' && ctx.compact >= 1) {
      const entries = output.length;
      if (extrasType === kArrayExtrasType && entries > 6) output = groupArrayElements(ctx, output, value);
      if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
        const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
        if (isBelowBreakLength(ctx, output, start, base)) {
          const joined = output.join(', ');
          if (!joined.includes('\n')) return `${base ? `${base} ` : ''}${braces[0]} ${joined} ${braces[1]}`;
        }
      }
    }
    const indentation = `\n${' '.repeat(ctx.indentationLvl)}`;
    return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
  }
  if (isBelowBreakLength(ctx, output, 0, base)) {
    return `${braces[0]}${base ? ` ${base}` : ''} ${output.join(', ')} ${braces[1]}`;
  }
  const indentation = ' '.repeat(ctx.indentationLvl);
  const ln = base === '' && braces[0].length === 1 ? ' ' : `${base ? ` ${base}` : ''}\n${indentation}  `;
  return `${braces[0]}${ln}${output.join(`,\n${indentation}  `)} ${braces[1]}`;
}

/**
 * Lays out more than six short array entries in columns, numbers aligned
 * right, as close to a square (of characters 2.5 times as tall as wide) as
 * the break length allows.
 */
function groupArrayElements(ctx, output, value) {
  let totalLength = 0;
  let maxLength = 0;
  let outputLength = output.length;
  // The "... n more items" entry stays on a line of its own.
  if (ctx.maxArrayLength < output.length) outputLength--;
  const separatorSpace = 2;
  const dataLen = [];
  for (let i = 0; i < outputLength; i++) {
    const len = stringWidth(output[i]);
    dataLen[i] = len;
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  if (actualMax * 3 + ctx.indentationLvl < ctx.breakLength && (totalLength / actualMax > 5 || maxLength <= 6)) {
    const averageBias = Math.sqrt(actualMax - totalLength / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    const columns = Math.min(
      Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
      Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
      ctx.compact * 4,
      15,
    );
    if (columns <= 1) return output;
    const maxLineLength = [];
    for (let i = 0; i < columns; i++) {
      let lineMaxLength = 0;
      for (let j = i; j < output.length; j += columns) {
        if (dataLen[j] > lineMaxLength) lineMaxLength = dataLen[j];
      }
      maxLineLength.push(lineMaxLength + separatorSpace);
    }
    let padStart = true;
    if (value !== undefined) {
      for (let i = 0; i < output.length; i++) {
        if (typeof value[i] !== 'number' && typeof value[i] !== 'bigint') {
          padStart = false;
          break;
        }
      }
    }
    const grouped = [];
    for (let i = 0; i < outputLength; i += columns) {
      const max = Math.min(i + columns, outputLength);
      let line = '';
      let j = i;
      for (; j < max - 1; j++) {
        const padding = maxLineLength[j - i] + output[j].length - dataLen[j];
        line += padStart ? `${output[j]}, `.padStart(padding, ' ') : `${output[j]}, `.padEnd(padding, ' ');
      }
      if (padStart) {
        const padding = maxLineLength[j - i] + output[j].length - dataLen[j] - separatorSpace;
        line += output[j].padStart(padding, ' ');
      } else {
        line += output[j];
      }
      grouped.push(line);
    }
    if (ctx.maxArrayLength < output.length) grouped.push(output[outputLength]);
    output = grouped;
  }
  return output;
}

/** Whether `%s` should inspect `value` rather than call its own `toString`. */
function hasBuiltInToString(value) {
  const proxy = native.proxyDetails(value);
  if (proxy !== undefined) {
    if (proxy === null) return true;
    value = proxy[0];
  }
  if (typeof value.toString !== 'function') {
    if (typeof value[Symbol.toPrimitive] !== 'function') return true;
    if (hasOwn(value, Symbol.toPrimitive)) return false;
  } else if (hasOwn(value, 'toString')) {
    return false;
  } else if (typeof value[Symbol.toPrimitive] === 'function' && hasOwn(value, Symbol.toPrimitive)) {
    return false;
  }
  let pointer = value;
  do {
    pointer = Object.getPrototypeOf(pointer);
  } while (pointer !== null && !hasOwn(pointer, 'toString') && !hasOwn(pointer, Symbol.toPrimitive));
  if (pointer === null) return true;
  const desc = Object.getOwnPropertyDescriptor(pointer, 'constructor');
  return desc !== undefined && typeof desc.value === 'function' && kBuiltInNames.has(desc.value.name);
}

/** Names of the standard constructors (what `%s` leaves to inspect). */
const kBuiltInNames = new Set(Object.getOwnPropertyNames(globalThis).filter((name) => /^([A-Z][a-z]+)+$/.test(name)));

/** `%j`: JSON, or `[Circular]` when the engine refuses a cycle. */
function stringifyOrCircular(value) {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (error instanceof TypeError && error.message === circularMessage()) return '[Circular]';
    throw error;
  }
}

/** The engine's message for a cycle in JSON.stringify (found by making one). */
function circularMessage() {
  const cycle = {};
  cycle.cycle = cycle;
  try {
    JSON.stringify(cycle);
  } catch (error) {
    return error.message;
  }
  return undefined;
}

/** `util.format(...args)`: placeholders in a first string, then the rest inspected. */
function format(...args) {
  const first = args[0];
  let a = 0;
  let str = '';
  let join = '';
  if (typeof first === 'string') {
    if (args.length === 1) return first;
    let lastPos = 0;
    for (let i = 0; i < first.length - 1; i++) {
      if (first.charCodeAt(i) !== 37) continue; // '%'
      const next = first[++i];
      if (a + 1 !== args.length) {
        let piece;
        switch (next) {
          case 's': {
            const arg = args[++a];
            if (typeof arg === 'number') piece = formatNumber(arg);
            else if (typeof arg === 'bigint') piece = `${arg}n`;
            else if (typeof arg !== 'object' || arg === null || !hasBuiltInToString(arg)) piece = String(arg);
            else piece = inspect(arg, { depth: 0 });
            break;
          }
          case 'j': piece = stringifyOrCircular(args[++a]); break;
          case 'd': case 'i': case 'f': {
            const arg = args[++a];
            if (typeof arg === 'bigint' && next !== 'f') piece = `${arg}n`;
            else if (typeof arg === 'symbol') piece = 'NaN';
            else piece = formatNumber(next === 'd' ? Number(arg) : next === 'i' ? parseInt(arg) : parseFloat(arg));
            break;
          }
          case 'O': piece = inspect(args[++a]); break;
          case 'o': piece = inspect(args[++a], { showHidden: true, showProxy: true, depth: 4 }); break;
          case 'c': a += 1; piece = ''; break;
          case '%': str += first.slice(lastPos, i); lastPos = i + 1; continue;
          default: continue;
        }
        if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
        str += piece;
        lastPos = i + 1;
      } else if (next === '%') {
        str += first.slice(lastPos, i);
        lastPos = i + 1;
      }
    }
    if (lastPos !== 0) {
      a++;
      join = ' ';
      if (lastPos < first.length) str += first.slice(lastPos);
    }
  }
  while (a < args.length) {
    const value = args[a];
    str += join;
    str += typeof value !== 'string' ? inspect(value) : value;
    join = ' ';
    a++;
  }
  return str;
}

return { inspect, format };
})();
