// A well-behaved plugin: a small module graph with a JSON import.
import { titleCase } from './lib/format.mjs';
import meta from './plugin.json' with { type: 'json' };

export const name = meta.name;

export function run(input) {
  return `${meta.greeting}, ${titleCase(input.who)}! (${input.times} times)`;
}
