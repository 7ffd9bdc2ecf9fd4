// How values cross between a Worker-backed VM's Worker and the page: by
// structured clone, which cannot carry the membrane's Proxies, functions
// or symbols. `toCloneable` copies a value of the Worker's guest into what
// it can carry; errors travel as records and become errors again on the
// page (`errorFromRecord`), with their name, message, stack and `code`.

/** The page's error constructors, by name; other names become `Error`s with that name. */
const ERROR_TYPES = { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };

/**
 * A copy of `value` that structured clone can carry: primitives as they
 * are (a symbol as its description, `Symbol(x)`), functions as
 * `[Function: name]` / `[class Name]`, errors as error records, dates,
 * regular expressions, maps, sets and binary data as themselves, and
 * other objects as plain objects (arrays as arrays) of their own
 * enumerable string-keyed properties. Cycles and shared references are
 * kept. `sourceOf(f)` gives a function's source (the guest's own
 * `Function.prototype.toString`, for a guest function behind the membrane).
 */
export function toCloneable(value, sourceOf = (f) => Function.prototype.toString.call(f), seen = new Map()) {
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') {
    const source = safe(() => sourceOf(value), '');
    const name = safe(() => value.name, '');
    if (source.startsWith('class')) return name ? `[class ${name}]` : '[class (anonymous)]';
    return name ? `[Function: ${name}]` : '[Function (anonymous)]';
  }
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  const tag = Object.prototype.toString.call(value);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  if (tag === '[object Error]') {
    const record = errorRecord(value);
    seen.set(value, record);
    return record;
  }
  if (tag === '[object Date]') return new Date(Number(value.getTime()));
  if (tag === '[object RegExp]') return new RegExp(value.source, value.flags);
  if (tag === '[object Map]') {
    const copy = new Map();
    seen.set(value, copy);
    for (const [k, v] of value) copy.set(toCloneable(k, sourceOf, seen), toCloneable(v, sourceOf, seen));
    return copy;
  }
  if (tag === '[object Set]') {
    const copy = new Set();
    seen.set(value, copy);
    for (const v of value) copy.add(toCloneable(v, sourceOf, seen));
    return copy;
  }
  const copy = Array.isArray(value) ? [] : {};
  seen.set(value, copy);
  for (const key of Object.keys(value)) copy[key] = toCloneable(safe(() => value[key]), sourceOf, seen);
  return copy;
}

/** An error (of the guest, the layer or the Worker) as a record structured clone carries. */
export function errorRecord(error) {
  if (error === null || typeof error !== 'object') return { jsvmError: true, thrown: toCloneable(error) };
  const record = {
    jsvmError: true,
    name: String(safe(() => error.name, 'Error')),
    message: String(safe(() => error.message, '')),
    stack: safe(() => error.stack),
    properties: {},
  };
  for (const key of safe(() => Object.keys(error), [])) {
    if (key !== 'name' && key !== 'message' && key !== 'stack') record.properties[key] = toCloneable(safe(() => error[key]));
  }
  return record;
}

/** The page's error for a record from the Worker (or the thrown non-error value itself). */
export function errorFromRecord(record) {
  if (!('name' in record)) return record.thrown;
  return Object.assign(errorOfName(record.name, record.message, record.stack), record.properties);
}

/**
 * An error of this realm for another realm's (or agent's) error: of the
 * standard class of that name (`Error` with that name for others), with
 * its message, and its stack when it has one.
 */
export function errorOfName(name, message, stack) {
  const Type = Object.hasOwn(ERROR_TYPES, name) ? ERROR_TYPES[name] : Error;
  const error = new Type(message);
  if (error.name !== name) Object.defineProperty(error, 'name', { value: name, writable: true, configurable: true });
  if (typeof stack === 'string') Object.defineProperty(error, 'stack', { value: stack, writable: true, configurable: true });
  return error;
}

/** Whether `value` is an error record (what a failed call answers). */
export function isErrorRecord(value) {
  return value !== null && typeof value === 'object' && value.jsvmError === true;
}

function safe(read, fallback) {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** On the page: `value` from the Worker, with its error records made errors again. */
export function revive(value, seen = new Map()) {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  if (isErrorRecord(value)) {
    const error = errorFromRecord(value);
    seen.set(value, error);
    return error;
  }
  if (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype) {
    seen.set(value, value);
    for (const key of Object.keys(value)) value[key] = revive(value[key], seen);
  } else if (value instanceof Map) {
    seen.set(value, value);
    for (const [k, v] of value) value.set(k, revive(v, seen));
  }
  return value;
}
