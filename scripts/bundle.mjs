// Bundles the planner (tsc's dist/, from src/entry.ts) into one CommonJS
// file, dist/tsjail.cjs, which the native front end starts: Node then reads
// one file through its CommonJS loader instead of resolving some sixty ES
// modules (native/FRONT.md has the measurements). The modules main.ts loads
// lazily are inlined, and still evaluated only when used. koffi (native
// code) and yargs (loaded through require, for help and errors only) stay
// in node_modules.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'rolldown';

const dist = new URL('../dist/', import.meta.url);
for (const f of readdirSync(dist)) {
  // (and what earlier builds made: an ES module bundle with chunks)
  if (f === 'tsjail.cjs' || f === 'tsjail.cjs.cache' || f === 'start.cjs' || f === 'tsjail.mjs' || /^bundle-.*\.mjs$/.test(f)) rmSync(new URL(f, dist));
  if (f === 'filters' || f === 'images') rmSync(new URL(f, dist), { recursive: true });
}
await build({
  input: new URL('entry.js', dist).pathname,
  platform: 'node',
  external: [/^node:/, 'koffi', 'yargs'],
  logLevel: 'warn',
  output: {
    file: new URL('tsjail.cjs', dist).pathname,
    format: 'cjs',
    codeSplitting: false,
    sourcemap: false,
    // Run when started as a script (node dist/tsjail.cjs ARGS).
    footer: 'if (require.main === module) exports.start(process.argv);',
  },
});

copyFileSync(new URL('../scripts/start.cjs', import.meta.url), new URL('start.cjs', dist));

// Profile images (src/profile/image.ts): what the loader makes of each
// shipped profile, with sentinels for the caller's directories; a launch
// uses one while everything the loader looked at is as it was. Not fatal:
// without them, profiles are read.
try {
  execFileSync(process.execPath, ['-e', `
    const { entry } = require(${JSON.stringify(new URL('start.cjs', dist).pathname)});
    process.stderr.write('bundle: ' + entry.writeProfileImages(${JSON.stringify(new URL('images', dist).pathname)}) + ' profile images\\n');
  `], { stdio: ['ignore', 'ignore', 'inherit'], cwd: '/' });
} catch (e) {
  process.stderr.write(`bundle: no profile images: ${e.message}\n`);
}

// Seccomp filters, precompiled (src/seccomp/precompiled.ts): those of
// the shipped profiles, of an empty profile and of --noprofile
// (filterLaunches there), labelled with the libseccomp the front end will
// name (native/front/host-facts, so make runs first). Built with a home and
// a configuration of nobody's, so that no .local file of the builder's
// gets in. Not fatal: a launch without them compiles its filter through
// libseccomp.
const filters = new URL('filters/', dist).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'tsjail-build-'));
const env = { ...process.env, HOME: tmp, XDG_CACHE_HOME: '/dev/null', XDG_CONFIG_HOME: join(tmp, 'config') };
delete env.TSJAIL_PROFILE_PATH;
const facts = execFileSync(new URL('../native/front/host-facts', import.meta.url).pathname, { encoding: 'utf8' }).trim();
try {
  const libseccomp = /(?:^| )libseccomp=(\S+)/.exec(facts)?.[1];
  if (libseccomp === undefined || libseccomp === '-') throw new Error('no libseccomp with a build id');
  writeFileSync(join(tmp, 'empty.ini'), '');
  execFileSync(process.execPath, ['-e', `
    const { entry } = require(${JSON.stringify(new URL('start.cjs', dist).pathname)});
    entry.precompileFilters(${JSON.stringify(filters)}, ${JSON.stringify(libseccomp)}, ${JSON.stringify(join(tmp, 'empty.ini'))})
      .then((n) => process.stderr.write('bundle: ' + n + ' seccomp filters precompiled\\n'));
  `], { stdio: ['ignore', 'ignore', 'inherit'], cwd: '/', env });
} catch (e) {
  process.stderr.write(`bundle: no precompiled seccomp filters: ${e.message}\n`);
}

// The front end starts dist/start.cjs, which runs the bundle from V8's code
// cache of it: made here, after whole cold launches (src/entry.ts warmUp),
// so that it holds the functions a launch runs.
try {
  execFileSync(process.execPath, ['-e', `
  const { statSync, writeFileSync } = require('node:fs');
  const file = ${JSON.stringify(new URL('tsjail.cjs', dist).pathname)};
  const { script, entry } = require(${JSON.stringify(new URL('start.cjs', dist).pathname)});
  entry.warmUp(${JSON.stringify(join(tmp, 'cache'))}, ${JSON.stringify(facts)}).then(() => {
    const st = statSync(file);
    writeFileSync(file + '.cache', Buffer.concat([Buffer.from(st.size + ' ' + st.mtimeMs + '\\n'), script.createCachedData()]));
  });
`], { stdio: ['ignore', 'ignore', 'ignore'], cwd: '/', env });
} catch (e) {
  // Not fatal: start.cjs compiles the bundle without a cache.
  process.stderr.write(`bundle: no code cache for dist/tsjail.cjs: ${e.message}\n`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
