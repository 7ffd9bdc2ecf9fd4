// The guest's `console`: Boa has none. Lines are formatted here (a small
// subset of Node's util.format/inspect) and handed to the host.

function inspect(value, depth = 0, seen = new Set()) {
  switch (typeof value) {
    case 'string': return depth === 0 ? value : `'${value}'`;
    case 'bigint': return `${value}n`;
    case 'symbol': return String(value);
    // (Boa's Function.prototype.toString does not show classes as
    // classes, so they print as functions here.)
    case 'function': return value.name ? `[Function: ${value.name}]` : '[Function (anonymous)]';
    case 'object': break;
    default: return Object.is(value, -0) ? '-0' : String(value);
  }
  if (value === null) return 'null';
  if (seen.has(value)) return '[Circular *1]';
  const tag = Object.prototype.toString.call(value);
  if (value instanceof Error || tag === '[object Error]') return inspectError(value, depth, seen);
  if (tag === '[object Date]') return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (tag === '[object RegExp]') return String(value);
  if (depth > 2) return Array.isArray(value) ? '[Array]' : '[Object]';
  seen.add(value);
  const show = (v) => inspect(v, depth + 1, seen);
  const braces = (prefix, items) => (items.length === 0 ? `${prefix}{}` : `${prefix}{ ${items.join(', ')} }`);
  const props = () => Object.keys(value).map((k) => {
    const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`;
    return `${key}: ${show(value[k])}`;
  });
  try {
    if (Array.isArray(value)) {
      const items = value.map(show);
      return items.length === 0 ? '[]' : `[ ${items.join(', ')} ]`;
    }
    if (tag === '[object Promise]') {
      const [state, result] = native.promiseState(value);
      if (state === 'pending') return 'Promise { <pending> }';
      return `Promise { ${state === 'rejected' ? '<rejected> ' : ''}${show(result)} }`;
    }
    if (tag === '[object Map]') {
      return braces(`Map(${value.size}) `, [...value].map(([k, v]) => `${show(k)} => ${show(v)}`));
    }
    if (tag === '[object Set]') return braces(`Set(${value.size}) `, [...value].map(show));
    if (tag === '[object Module]') {
      const keys = Object.getOwnPropertyNames(value);
      return braces('[Module: null prototype] ', keys.map((k) => {
        try { return `${k}: ${show(value[k])}`; } catch { return `${k}: <uninitialized>`; }
      }));
    }
    const proto = Object.getPrototypeOf(value);
    if (proto === null) return braces('[Object: null prototype] ', props());
    const name = typeof proto.constructor === 'function' ? proto.constructor.name : '';
    return braces(name && name !== 'Object' ? `${name} ` : '', props());
  } finally {
    seen.delete(value);
  }
}

/**
 * An error as util.inspect shows it: its stack, named after its class when
 * that differs from its `name` (`MyError [Error]: ...`, Node's
 * improveStack), in brackets when it has no frames, then its own
 * enumerable properties.
 */
function inspectError(error, depth, seen) {
  let stack;
  try { stack = error.stack; } catch { stack = undefined; }
  if (typeof stack !== 'string' || stack === '') stack = Error.prototype.toString.call(error);
  let name;
  try { name = `${error.name ?? 'Error'}`; } catch { name = 'Error'; }
  let constructorName = null;
  for (let o = error; o !== null; o = Object.getPrototypeOf(o)) {
    const desc = Object.getOwnPropertyDescriptor(o, 'constructor');
    if (desc !== undefined && typeof desc.value === 'function' && desc.value.name !== '') {
      constructorName = desc.value.name;
      break;
    }
  }
  const len = name.length;
  if (constructorName !== null && constructorName !== name && name.endsWith('Error') && stack.startsWith(name)
    && (stack.length === len || stack[len] === ':' || stack[len] === '\n')) {
    stack = constructorName.includes(name)
      ? `${constructorName}${stack.slice(len)}`
      : `${constructorName} [${name}]${stack.slice(len)}`;
  }
  // A decorated stack starts with its source header; frames follow the message.
  if (!/\n\s+at /.test(stack)) stack = `[${stack}]`;
  const keys = Object.keys(error).filter((k) => k !== 'stack' && k !== 'message');
  if (keys.length === 0 || depth > 2) return stack;
  seen.add(error);
  try {
    const entries = keys.map((k) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`}: ${inspect(error[k], depth + 1, seen)}`);
    return stack.includes('\n') ? `${stack} {\n${entries.map((e) => `  ${e}`).join(',\n')}\n}` : `${stack} { ${entries.join(', ')} }`;
  } finally {
    seen.delete(error);
  }
}

function formatLine(args) {
  let first = args[0];
  let rest = args.slice(1);
  let out;
  if (typeof first === 'string' && rest.length > 0 && first.includes('%')) {
    out = first.replace(/%[sdifjoO%]/g, (spec) => {
      if (spec === '%%') return '%';
      if (rest.length === 0) return spec;
      const v = rest.shift();
      switch (spec) {
        case '%s': return typeof v === 'string' ? v : inspect(v, 1);
        case '%d': case '%i': return String(spec === '%i' ? parseInt(v, 10) : Number(v));
        case '%f': return String(parseFloat(v));
        case '%j': try { return JSON.stringify(v); } catch { return '[Circular]'; }
        default: return inspect(v, 1);
      }
    });
  } else {
    out = inspect(first);
    if (args.length === 0) out = '';
  }
  for (const v of rest) out += ` ${inspect(v)}`;
  return out;
}

const console = {};
for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
  console[level] = function (...args) { native.print(level, formatLine(args)); };
}
console.trace = function (...args) { native.print('error', `Trace: ${formatLine(args)}`); };

/**
 * The methods of a new context's `console` (made in its realm by
 * `installRealmShims`): V8 gives every context one, whose output goes to an
 * inspector only, so in Node it prints nothing. The same here: the methods
 * exist and do nothing.
 */
const kConsoleMethods = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'dirxml', 'table', 'group',
  'groupCollapsed', 'groupEnd', 'clear', 'count', 'countReset', 'assert', 'profile', 'profileEnd', 'time',
  'timeLog', 'timeEnd', 'timeStamp', 'context'];
