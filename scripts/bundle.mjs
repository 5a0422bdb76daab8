// Bundles the planner (tsc's dist/main.js and what it imports) into
// dist/tsjail.mjs, plus one chunk per module that main.ts loads lazily:
// Node then resolves and reads a handful of files at start-up instead of
// sixty-odd (bench/launch measures both). koffi (native code) and yargs
// (loaded through require, only for help and errors) stay in node_modules.
import { readdirSync, rmSync } from 'node:fs';
import { build } from 'rolldown';

const dist = new URL('../dist/', import.meta.url);
for (const f of readdirSync(dist)) {
  if (f === 'tsjail.mjs' || f.startsWith('bundle-')) rmSync(new URL(f, dist));
}
await build({
  input: { tsjail: new URL('main.js', dist).pathname },
  platform: 'node',
  external: [/^node:/, 'koffi', 'yargs'],
  logLevel: 'warn',
  output: {
    dir: dist.pathname,
    format: 'esm',
    entryFileNames: '[name].mjs',
    chunkFileNames: 'bundle-[name]-[hash].mjs',
    sourcemap: false,
  },
});
