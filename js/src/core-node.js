// The component's compiled core modules, in Node: read from dist/component/
// and compiled once, during import (top-level await). The browser's twin is
// core-browser.js; package.json's `imports` (#core-modules) picks one.

import { readFile } from 'node:fs/promises';

const base = new URL('../dist/component/', import.meta.url);
const names = JSON.parse(await readFile(new URL('core-modules.json', base), 'utf8'));

/** Core module name → compiled `WebAssembly.Module`. */
export const compiled = new Map(await Promise.all(names.map(async (name) => [name, await WebAssembly.compile(await readFile(new URL(name, base)))])));
