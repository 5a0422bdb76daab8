/** The full path's entry, for bin/tsjail.js and the bundle the native
 * front end starts (dist/tsjail.cjs): the front end says how it was
 * started (TSJAIL_INVOKED_AS: a launcher link's name is the program's) and
 * what it found (TSJAIL_FRONT); neither reaches anything tsjail starts. */
import { run } from './main.js';

export function start(argv: readonly string[]): Promise<void> {
  const env = process.env;
  const invokedAs = env['TSJAIL_INVOKED_AS'] ?? argv[1] ?? 'tsjail';
  const front = env['TSJAIL_FRONT'] ?? null;
  delete env['TSJAIL_INVOKED_AS'];
  delete env['TSJAIL_FRONT'];
  return run(argv.slice(2), invokedAs, front);
}
