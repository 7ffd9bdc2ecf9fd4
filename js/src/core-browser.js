// The component's compiled core modules, in a browser: fetched from beside
// the bundle (dist/browser/) and compiled while they download, once, during
// import (top-level await). The names are written in at build time
// (scripts/build.mjs defines JSVM_CORE_MODULES).

/** Core module name → compiled `WebAssembly.Module`. */
export const compiled = new Map(await Promise.all(JSVM_CORE_MODULES.map(async (name) => {
  const url = new URL(name, import.meta.url);
  // compileStreaming needs the application/wasm type; a server without it still works.
  const module = await WebAssembly.compileStreaming(fetch(url)).catch(async () => WebAssembly.compile(await (await fetch(url)).arrayBuffer()));
  return [name, module];
})));
