// `node --import jsvm/hooks/node-vm.mjs program.mjs` runs a node:vm program
// unchanged against this package: `import vm from 'node:vm'` (or 'vm')
// resolves to the package's entry. (Node 20's module.register.)
import { register } from 'node:module';

register('./resolve-node-vm.mjs', import.meta.url);
