// `jsvm run examples/hello.mjs`: node:vm inside the sandbox.
import vm from 'node:vm';

const context = vm.createContext({ greeting: 'hello', count: 0 });
vm.runInContext('count += 1; message = `${greeting} from a vm context`;', context);
console.log(context.message, `(runs: ${context.count})`);

try {
  vm.runInContext('throw new RangeError("caught across contexts")', context);
} catch (e) {
  console.log(`${e.name}: ${e.message}`);
}
