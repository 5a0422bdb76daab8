/** The full path's entry, for bin/tsjail.js and the bundle the native
 * front end starts (dist/tsjail.cjs): the front end says how it was
 * started (TSJAIL_INVOKED_AS: a launcher link's name is the program's),
 * what it found (TSJAIL_FRONT), and how to hand the launch back and what
 * it knows of the host (src/front-end.ts); none of it reaches anything
 * tsjail starts. */
import { noteMode, noteReal, noteStat, startRecording, stopRecording } from './cache/deps.js';
import { storePlan } from './cache/store.js';
import { setFrontEndFacts, takeFrontEndFacts } from './front-end.js';
import { run } from './main.js';
import { compileFilter } from './seccomp/compile.js';
import { collectSpecs, filterKey, filterLaunches, writeFilterFile } from './seccomp/precompiled.js';
export { mark } from './timing.js';

export function start(argv: readonly string[]): Promise<void> {
  const env = process.env;
  const invokedAs = env['TSJAIL_INVOKED_AS'] ?? argv[1] ?? 'tsjail';
  const front = env['TSJAIL_FRONT'] ?? null;
  delete env['TSJAIL_INVOKED_AS'];
  delete env['TSJAIL_FRONT'];
  takeFrontEndFacts(env);
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

/** For the build (scripts/bundle.mjs): the seccomp filters of
 * filterLaunches, with MDWE from the kernel and without, compiled by
 * libseccomp into dir and labelled with the libseccomp the front end names
 * (native/front/host-facts). Returns how many files were written. */
export async function precompileFilters(dir: string, libseccomp: string, emptyProfile: string): Promise<number> {
  const written = new Set<string>();
  for (const mdwe of [true, false]) {
    setFrontEndFacts({ handback: null, mdwe, libseccomp: null });
    collectSpecs(true);
    for (const args of filterLaunches(emptyProfile)) await run(['--print-plan', ...args]);
    for (const spec of collectSpecs(false)) {
      if (writeFilterFile(dir, libseccomp, spec, compileFilter(spec))) written.add(filterKey(spec));
    }
  }
  process.exitCode = 0;
  return written.size;
}
