// The package's tests: node:test files beside this one, each in a fresh
// process (the package instantiates its VM on import).
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { readdirSync } from 'node:fs';

const here = new URL('.', import.meta.url);
const files = readdirSync(here).filter((f) => f.endsWith('.test.mjs')).map((f) => new URL(f, here).pathname);
const stream = run({ files, concurrency: 1 });
stream.on('test:fail', () => { process.exitCode = 1; });
stream.compose(spec).pipe(process.stdout);
