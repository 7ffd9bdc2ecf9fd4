// A plugin that allocates without bound: the Vm's memory limit ends it.
export const name = 'hog';

export function run() {
  const hoard = [];
  for (;;) hoard.push('x'.repeat(1 << 22) + hoard.length);
}
