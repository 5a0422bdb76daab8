/** The full path's entry, for bin/tsjail.js and the bundle the native
 * front end starts (dist/tsjail.cjs): the front end says how it was
 * started (TSJAIL_INVOKED_AS: a launcher link's name is the program's),
 * what it found (TSJAIL_FRONT), and how to hand the launch back and what
 * it knows of the host (src/front-end.ts); none of it reaches anything
 * tsjail starts. */
import { fstatSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setFrontEndFacts, takeFrontEndFacts } from './front-end.js';
import { run } from './main.js';
import { compileFilter } from './seccomp/compile.js';
import { collectSpecs, filterKey, filterLaunches, writeFilterFile } from './seccomp/precompiled.js';
export { mark } from './timing.js';
export { writeProfileImages } from './profile/image.js';

export function start(argv: readonly string[]): Promise<void> {
  const env = process.env;
  const invokedAs = env['TSJAIL_INVOKED_AS'] ?? argv[1] ?? 'tsjail';
  const front = env['TSJAIL_FRONT'] ?? null;
  delete env['TSJAIL_INVOKED_AS'];
  delete env['TSJAIL_FRONT'];
  takeFrontEndFacts(env);
  return run(argv.slice(2), invokedAs, front);
}

/** For the build's code cache (scripts/bundle.mjs): whole cold launches,
 * as the front end starts them (its host facts, a hand-back), of
 * --noprofile, the default profile, the firefox profile (from its image,
 * then read: --ignore keeps the image from being used) and a launcher
 * link, storing their plans under cacheHome, each stopped only at its very
 * end: its hand-back goes to a descriptor that is not open. So the cache
 * holds the functions a cold launch runs (V8 compiles any other when it is
 * first called, from source). */
export async function warmUp(cacheHome: string, hostFacts: string): Promise<void> {
  const env = process.env;
  env['XDG_CACHE_HOME'] = cacheHome;
  env['TSJAIL_HOST'] = hostFacts;
  // A session bus (a socket that only listens), so that firefox's launch
  // filters it as it does on a desktop: its D-Bus records' code too.
  mkdirSync(cacheHome, { recursive: true, mode: 0o700 });
  const bus = `${cacheHome}/bus`;
  // (node:net through require, as elsewhere: the bundle runs in a vm.Script.)
  const { createServer } = createRequire(import.meta.url)('node:net') as typeof import('node:net');
  const server = createServer();
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(bus, done);
  });
  env['DBUS_SESSION_BUS_ADDRESS'] = `unix:path=${bus}`;
  const facts = takeFrontEndFacts(env);
  let closed = 100;
  while (isOpen(closed)) closed++;
  const launches: [string[], string][] = [
    [['--quiet', '--noprofile', 'true'], 'tsjail'], [['--quiet', 'true'], 'tsjail'],
    [['--quiet', '--profile=firefox', 'true'], 'tsjail'], [['--quiet', '--ignore=none', '--profile=firefox', 'true'], 'tsjail'],
    [[], 'true'],
  ];
  for (const [args, invokedAs] of launches) {
    setFrontEndFacts({ ...facts, handback: closed });
    await run(args, invokedAs, 'miss:warm-up');
  }
  setFrontEndFacts({ handback: null, mdwe: null, libseccomp: null });
  server.close();
  process.exitCode = 0;
}

function isOpen(fd: number): boolean {
  try {
    fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

/** For the build (scripts/bundle.mjs): the seccomp filters of
 * filterLaunches, with MDWE from the kernel and without, compiled by
 * libseccomp into dir and labelled with the libseccomp the front end names
 * (native/front/host-facts). Returns how many filters there are. */
export async function precompileFilters(dir: string, libseccomp: string, emptyProfile: string): Promise<number> {
  const written = new Set<string>();
  for (const mdwe of [true, false]) {
    setFrontEndFacts({ handback: null, mdwe, libseccomp: null });
    collectSpecs(true);
    for (const args of filterLaunches(emptyProfile)) await run(['--print-plan', ...args]);
    for (const spec of collectSpecs(false)) {
      writeFilterFile(dir, libseccomp, spec, compileFilter(spec));
      written.add(filterKey(spec));
    }
  }
  process.exitCode = 0;
  return written.size;
}
