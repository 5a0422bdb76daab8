// Bundles the planner (tsc's dist/, from src/entry.ts) into one CommonJS
// file, dist/tsjail.cjs, which the native front end starts: Node then reads
// one file through its CommonJS loader instead of resolving some sixty ES
// modules (native/FRONT.md has the measurements). The modules main.ts loads
// lazily are inlined, and still evaluated only when used. koffi (native
// code) and yargs (loaded through require, for help and errors only) stay
// in node_modules.
import { readdirSync, rmSync } from 'node:fs';
import { build } from 'rolldown';

const dist = new URL('../dist/', import.meta.url);
for (const f of readdirSync(dist)) {
  // (and what earlier builds made: an ES module bundle with chunks)
  if (f === 'tsjail.cjs' || f === 'tsjail.mjs' || /^bundle-.*\.mjs$/.test(f)) rmSync(new URL(f, dist));
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
