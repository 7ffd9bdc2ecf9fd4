// The resolve hook behind node-vm.mjs: node:vm is the package, for every
// importer outside the package itself.
const entry = new URL('../src/index.js', import.meta.url).href;
const packageRoot = new URL('../', import.meta.url).href;

export async function resolve(specifier, context, next) {
  const fromPackage = context.parentURL?.startsWith(packageRoot) ?? false;
  if ((specifier === 'node:vm' || specifier === 'vm') && !fromPackage) return { url: entry, shortCircuit: true };
  return next(specifier, context);
}
