// The guest's `console`: Boa has none. Lines are formatted as Node's
// console formats them (util.format, in inspect.js) and handed to the host.

const console = {};
for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
  console[level] = function (...args) { native.print(level, format(...args)); };
}
console.trace = function (...args) { native.print('error', `Trace: ${format(...args)}`); };

/**
 * The methods of a new context's `console` (made in its realm by
 * `installRealmShims`): V8 gives every context one, whose output goes to an
 * inspector only, so in Node it prints nothing. The same here: the methods
 * exist and do nothing.
 */
const kConsoleMethods = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'dirxml', 'table', 'group',
  'groupCollapsed', 'groupEnd', 'clear', 'count', 'countReset', 'assert', 'profile', 'profileEnd', 'time',
  'timeLog', 'timeEnd', 'timeStamp', 'context'];
