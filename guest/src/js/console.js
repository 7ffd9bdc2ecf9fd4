// The guest's `console`: Boa has none. Lines are formatted here (a small
// subset of Node's util.format/inspect) and handed to the host.

function inspect(value, depth = 0, seen = new Set()) {
  switch (typeof value) {
    case 'string': return depth === 0 ? value : `'${value}'`;
    case 'bigint': return `${value}n`;
    case 'symbol': return String(value);
    case 'function': return `[Function: ${value.name || '(anonymous)'}]`;
    case 'object': break;
    default: return Object.is(value, -0) ? '-0' : String(value);
  }
  if (value === null) return 'null';
  if (seen.has(value)) return '[Circular *1]';
  if (value instanceof Error || Object.prototype.toString.call(value) === '[object Error]') {
    return value.stack ?? String(value);
  }
  if (depth > 2) return Array.isArray(value) ? '[Array]' : '[Object]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.map((v) => inspect(v, depth + 1, seen));
      return items.length === 0 ? '[]' : `[ ${items.join(', ')} ]`;
    }
    const entries = Object.keys(value).map((k) => {
      const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`;
      return `${key}: ${inspect(value[k], depth + 1, seen)}`;
    });
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  } finally {
    seen.delete(value);
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
