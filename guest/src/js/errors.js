// Node's coded errors and argument validators, written once for every API
// of the in-guest `node:vm` and for the WIT exports (which call the same
// functions). Mirrors lib/internal/errors.js and lib/internal/validators.js.
//
// Part of the bootstrap: evaluated inside one function whose `native`
// argument holds the engine's primitives; top-level names are shared with
// the other bootstrap files.

const kTypes = ['string', 'function', 'number', 'object', 'Function', 'Object', 'boolean', 'bigint', 'symbol'];

/** Describes a received value the way Node's ERR_INVALID_ARG_TYPE does. */
function describeReceived(value) {
  if (value == null) return ` Received ${value}`;
  if (typeof value === 'function') return ` Received function ${value.name}`;
  if (typeof value === 'object') {
    if (value.constructor && value.constructor.name) {
      return ` Received an instance of ${value.constructor.name}`;
    }
    return ' Received an instance of Object';
  }
  let shown = typeof value === 'symbol' ? String(value) : `${value}`;
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  if (typeof value === 'string') shown = `'${shown}'`;
  return ` Received type ${typeof value} (${shown})`;
}

/** Builds an error of class `Base` with Node's `code`, shown in its stack header like Node. */
function codedError(Base, code, message) {
  const error = new Base(message);
  Object.defineProperty(error, 'code', { value: code, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(error, kStackHeader, { value: `${error.name} [${code}]: ${message}`, configurable: true });
  // Node's errors also carry an own `toString` that names the code; here it
  // would be a function of the layer's realm on an error of a context's
  // (tests/escapes.rs walks for such), so `String(error)` stays standard.
  return error;
}

/** `a`, `a or b`, `a, b, or c`: Node's lists in ERR_INVALID_ARG_TYPE. */
function joinList(items) {
  if (items.length > 2) return `${items.slice(0, -1).join(', ')}, or ${items[items.length - 1]}`;
  return items.join(' or ');
}

/** What an argument must be, word for word as Node's ERR_INVALID_ARG_TYPE says it. */
function formatExpected(expected) {
  const list = Array.isArray(expected) ? expected : [expected];
  const types = [];
  const instances = [];
  const other = [];
  for (const e of list) {
    if (kTypes.includes(e)) types.push(e.toLowerCase());
    else if (/^([A-Z][a-z0-9]*)+$/.test(e)) instances.push(e);
    else other.push(e);
  }
  // `object` next to instances reads as "an instance of ... or Object".
  if (instances.length > 0 && types.includes('object')) {
    types.splice(types.indexOf('object'), 1);
    instances.push('Object');
  }
  const parts = [];
  if (types.length > 0) parts.push(`${types.length > 1 ? 'one of type' : 'of type'} ${joinList(types)}`);
  if (instances.length > 0) parts.push(`an instance of ${joinList(instances)}`);
  if (other.length > 0) {
    if (other.length > 1) parts.push(`one of ${joinList(other)}`);
    else parts.push(`${other[0].toLowerCase() !== other[0] ? 'an ' : ''}${other[0]}`);
  }
  return parts.join(' or ');
}

function ERR_INVALID_ARG_TYPE(name, expected, actual) {
  const kind = name.includes('.') ? 'property' : 'argument';
  return codedError(TypeError, 'ERR_INVALID_ARG_TYPE',
    `The "${name}" ${kind} must be ${formatExpected(expected)}.${describeReceived(actual)}`);
}

function ERR_INVALID_ARG_VALUE(name, value, reason = 'is invalid') {
  const kind = name.includes('.') ? 'property' : 'argument';
  let shown;
  try { shown = typeof value === 'string' ? `'${value}'` : String(value); } catch { shown = typeof value; }
  return codedError(TypeError, 'ERR_INVALID_ARG_VALUE', `The ${kind} '${name}' ${reason}. Received ${shown}`);
}

function ERR_OUT_OF_RANGE(name, range, value) {
  return codedError(RangeError, 'ERR_OUT_OF_RANGE',
    `The value of "${name}" is out of range. It must be ${range}. Received ${String(value)}`);
}

function validateObject(value, name, options) {
  // The common call, without options, costs no options object.
  if (options === undefined) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw ERR_INVALID_ARG_TYPE(name, 'Object', value);
    return;
  }
  const { allowArray = false, allowFunction = false, nullable = false } = options;
  const ok = (nullable && value === null)
    || (value !== null && (typeof value === 'object' || (allowFunction && typeof value === 'function'))
      && (allowArray || !Array.isArray(value)));
  if (!ok) throw ERR_INVALID_ARG_TYPE(name, 'Object', value);
}

function validateString(value, name) {
  if (typeof value !== 'string') throw ERR_INVALID_ARG_TYPE(name, 'string', value);
}

function validateBoolean(value, name) {
  if (typeof value !== 'boolean') throw ERR_INVALID_ARG_TYPE(name, 'boolean', value);
}

function validateFunction(value, name) {
  if (typeof value !== 'function') throw ERR_INVALID_ARG_TYPE(name, 'Function', value);
}

function validateArray(value, name) {
  if (!Array.isArray(value)) throw ERR_INVALID_ARG_TYPE(name, 'Array', value);
}

function validateStringArray(value, name) {
  validateArray(value, name);
  for (let i = 0; i < value.length; i++) validateString(value[i], `${name}[${i}]`);
}

function validateInteger(value, name, min, max) {
  if (typeof value !== 'number') throw ERR_INVALID_ARG_TYPE(name, 'number', value);
  if (!Number.isInteger(value)) throw ERR_OUT_OF_RANGE(name, 'an integer', value);
  if (value < min || value > max) throw ERR_OUT_OF_RANGE(name, `>= ${min} && <= ${max}`, value);
}

function validateInt32(value, name) {
  validateInteger(value, name, -2147483648, 2147483647);
}

function validateUint32(value, name, positive = false) {
  validateInteger(value, name, positive ? 1 : 0, 4294967295);
}

function validateOneOf(value, name, allowed) {
  if (!allowed.includes(value)) {
    const list = allowed.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ');
    throw ERR_INVALID_ARG_VALUE(name, value, `must be one of: ${list}`);
  }
}

function isArrayBufferView(value) {
  return ArrayBuffer.isView(value);
}

function validateBuffer(value, name) {
  if (!isArrayBufferView(value)) throw ERR_INVALID_ARG_TYPE(name, ['Buffer', 'TypedArray', 'DataView'], value);
}

/**
 * An error the host reported, made a guest error of its class (`Base`, the
 * constructor for `name` of the realm it is thrown into), with Node's
 * `code` in its stack header.
 */
function hostError(name, message, code, hostStack, Base) {
  const error = code === undefined ? new Base(message) : codedError(Base, code, message);
  if (error.name !== name) {
    Object.defineProperty(error, 'name', { value: name, writable: true, enumerable: false, configurable: true });
  }
  const frames = typeof hostStack === 'string' ? hostStack.split('\n').filter((line) => /^\s+at /.test(line)).join('\n') : '';
  if (frames !== '') Object.defineProperty(error, kHostFrames, { value: frames, configurable: true });
  return error;
}
