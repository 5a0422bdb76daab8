/** The full path's entry, for bin/tsjail.js and the bundle the native
 * front end starts (dist/tsjail.cjs): the front end says how it was
 * started (TSJAIL_INVOKED_AS: a launcher link's name is the program's) and
 * what it found (TSJAIL_FRONT); neither reaches anything tsjail starts. */
import { noteMode, noteReal, noteStat, startRecording, stopRecording } from './cache/deps.js';
import { storePlan } from './cache/store.js';
import { run } from './main.js';

export function start(argv: readonly string[]): Promise<void> {
  const env = process.env;
  const invokedAs = env['TSJAIL_INVOKED_AS'] ?? argv[1] ?? 'tsjail';
  const front = env['TSJAIL_FRONT'] ?? null;
  delete env['TSJAIL_INVOKED_AS'];
  delete env['TSJAIL_FRONT'];
  return run(argv.slice(2), invokedAs, front);
}

/** For the build's code cache (scripts/bundle.mjs): runs the stored-plan
 * writer once, on a made-up plan, into dir, so that the cache holds its
 * code too (a first launch stores its plan; --print-plan, which the build
 * also runs, does not). */
export function warmUp(dir: string): void {
  const deps = startRecording();
  noteMode('/');
  noteStat('/');
  noteReal('/');
  stopRecording();
  storePlan(dir, {
    key: { mode: 'command', args: [], program: 'true' }, uid: process.getuid?.() ?? 0, deps, cwd: '/',
    envPolicy: { allow: ['HOME'], allowPrefixes: ['LC_'], deny: [], denyPrefixes: ['LD_'], ops: [] },
    argvFixed: [], argvFromLaunch: true, helper: '/', template: Buffer.from('TSJP'),
  });
}
