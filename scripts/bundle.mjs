// Bundles the planner (tsc's dist/, from src/entry.ts) into one CommonJS
// file, dist/tsjail.cjs, which the native front end starts: Node then reads
// one file through its CommonJS loader instead of resolving some sixty ES
// modules (native/FRONT.md has the measurements). The modules main.ts loads
// lazily are inlined, and still evaluated only when used. koffi (native
// code) and yargs (loaded through require, for help and errors only) stay
// in node_modules.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, rmSync } from 'node:fs';
import { build } from 'rolldown';

const dist = new URL('../dist/', import.meta.url);
for (const f of readdirSync(dist)) {
  // (and what earlier builds made: an ES module bundle with chunks)
  if (f === 'tsjail.cjs' || f === 'tsjail.cjs.cache' || f === 'start.cjs' || f === 'tsjail.mjs' || /^bundle-.*\.mjs$/.test(f)) rmSync(new URL(f, dist));
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

// The front end starts dist/start.cjs, which runs the bundle from V8's code
// cache of it: made here, after two plans were built (--print-plan, with no
// profile and with the default one) and one stored (src/entry.ts warmUp),
// so that it holds the functions a launch compiles.
copyFileSync(new URL('../scripts/start.cjs', import.meta.url), new URL('start.cjs', dist));
try {
  execFileSync(process.execPath, ['-e', `
  const { statSync, writeFileSync } = require('node:fs');
  const file = ${JSON.stringify(new URL('tsjail.cjs', dist).pathname)};
  const { script, entry } = require(${JSON.stringify(new URL('start.cjs', dist).pathname)});
  (async () => {
    for (const args of [['--print-plan', '--noprofile', 'true'], ['--print-plan', 'true']]) {
      await entry.start([process.execPath, file, ...args]);
    }
    process.exitCode = 0;
    const tmp = require('node:fs').mkdtempSync(require('node:os').tmpdir() + '/tsjail-warm-');
    entry.warmUp(tmp + '/plans');
    require('node:fs').rmSync(tmp, { recursive: true, force: true });
    const st = statSync(file);
    writeFileSync(file + '.cache', Buffer.concat([Buffer.from(st.size + ' ' + st.mtimeMs + '\\n'), script.createCachedData()]));
  })();
`], { stdio: ['ignore', 'ignore', 'inherit'], cwd: '/', env: { ...process.env, XDG_CACHE_HOME: '/dev/null' } });
} catch (e) {
  // Not fatal: start.cjs compiles the bundle without a cache.
  process.stderr.write(`bundle: no code cache for dist/tsjail.cjs: ${e.message}\n`);
}
