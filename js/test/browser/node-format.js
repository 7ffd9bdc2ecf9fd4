// In the corpus runner's page: console arguments formatted as Node's
// console.log formats them (util.format / util.inspect), for what the
// corpus prints — primitives, arrays, plain objects and class instances,
// maps, sets, errors, functions, nesting past depth 2, cycles — so a
// page's output compares with Node's line for line.

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function quote(string) {
  const q = !string.includes("'") ? "'" : !string.includes('"') ? '"' : !string.includes('`') ? '`' : "'";
  return q + string.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(new RegExp(q, 'g'), `\\${q}`) + q;
}

function key(k) {
  return typeof k === 'symbol' ? `[${k.toString()}]` : IDENTIFIER.test(k) ? k : quote(k);
}

function wrap(prefix, open, parts, close, indent) {
  if (parts.length === 0) return `${prefix}${open}${close}`;
  const line = `${prefix}${open} ${parts.join(', ')} ${close}`;
  if (line.length + indent <= 72 && !parts.some((p) => p.includes('\n'))) return line;
  const pad = ' '.repeat(indent + 2);
  return `${prefix}${open}\n${parts.map((p) => pad + p).join(',\n')}\n${' '.repeat(indent)}${close}`;
}

function inspect(value, depth = 0, seen = [], indent = 0) {
  switch (typeof value) {
    case 'string': return depth === 0 && seen.top ? value : quote(value);
    case 'number': return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint': return `${value}n`;
    case 'symbol': return value.toString();
    case 'undefined': return 'undefined';
    case 'boolean': return String(value);
    case 'function': {
      const source = Function.prototype.toString.call(value);
      if (source.startsWith('class')) return `[class ${value.name || '(anonymous)'}]`;
      return value.name ? `[Function: ${value.name}]` : '[Function (anonymous)]';
    }
  }
  if (value === null) return 'null';
  if (seen.includes(value)) return '[Circular *1]';
  const tag = Object.prototype.toString.call(value);
  if (tag === '[object Error]' || value instanceof Error) {
    const base = value.stack || `${value.name}: ${value.message}`;
    const own = Object.keys(value).filter((k) => k !== 'stack' && k !== 'message');
    if (own.length === 0) return depth > 0 ? `[${base.split('\n')[0]}]` : base;
    return `${base} {\n${own.map((k) => `  ${key(k)}: ${inspect(value[k], depth + 1, [...seen, value], 2)}`).join(',\n')}\n}`;
  }
  if (tag === '[object Date]') return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (tag === '[object RegExp]') return String(value);
  if (depth > 2) return Array.isArray(value) ? '[Array]' : `[${value.constructor?.name ?? 'Object'}]`;
  const inner = [...seen, value];
  const next = (v) => inspect(v, depth + 1, inner, indent + 2);
  if (Array.isArray(value)) {
    const parts = [];
    for (let i = 0; i < value.length; i++) parts.push(i in value ? next(value[i]) : '<1 empty item>');
    return wrap('', '[', parts, ']', indent);
  }
  if (tag === '[object Map]') return wrap(`Map(${value.size}) `, '{', [...value].map(([k, v]) => `${next(k)} => ${next(v)}`), '}', indent);
  if (tag === '[object Set]') return wrap(`Set(${value.size}) `, '{', [...value].map(next), '}', indent);
  const proto = Object.getPrototypeOf(value);
  const name = proto === null ? '[Object: null prototype] ' : proto === Object.prototype || !proto.constructor?.name || proto.constructor.name === 'Object' ? '' : `${proto.constructor.name} `;
  const parts = [];
  for (const k of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, k);
    if (!descriptor?.enumerable) continue;
    if (descriptor.get || descriptor.set) parts.push(`${key(k)}: [${descriptor.get && descriptor.set ? 'Getter/Setter' : descriptor.get ? 'Getter' : 'Setter'}]`);
    else parts.push(`${key(k)}: ${next(descriptor.value)}`);
  }
  return wrap(name, '{', parts, '}', indent);
}

/** `console.log(...args)`'s line, as Node prints it. */
export function format(...args) {
  const top = (v) => {
    const seen = [];
    seen.top = true;
    return inspect(v, 0, seen);
  };
  if (typeof args[0] === 'string' && args[0].includes('%') && args.length > 1) {
    let rest = args.slice(1);
    const head = args[0].replace(/%([sdifjoOc%])/g, (match, spec) => {
      if (spec === '%') return '%';
      if (rest.length === 0) return match;
      const v = rest.shift();
      switch (spec) {
        case 's': return typeof v === 'string' ? v : typeof v === 'bigint' ? `${v}n` : typeof v === 'object' && v !== null ? inspect(v, 1) : String(v);
        case 'd': case 'i': return typeof v === 'bigint' ? `${v}n` : String(spec === 'i' ? parseInt(v) : Number(v));
        case 'f': return String(parseFloat(v));
        case 'j': return JSON.stringify(v);
        case 'c': return '';
        default: return inspect(v);
      }
    });
    return [head, ...rest.map(top)].join(' ');
  }
  return args.map(top).join(' ');
}
