// A plugin that never returns: the host's timeout ends it.
export const name = 'spinner';

export function run() {
  for (;;) {}
}
