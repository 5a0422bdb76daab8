'use strict';
// dist/start.cjs (copied here by scripts/bundle.mjs): what the native front
// end starts. It runs the bundled planner, dist/tsjail.cjs, from V8's code
// cache of it (dist/tsjail.cjs.cache, made by the same build), so that
// Node need not compile the bundle's 200 KB on every cold launch. A cache
// whose header does not name this bundle's size and mtime, or that V8
// rejects (another Node), is not used: the bundle is compiled as usual.
const { closeSync, fstatSync, openSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

// node:module is the class of this very module (module.constructor): taken
// from there, Node does not load lib/module.js, which brings in its ES
// module loader and source maps (0.3 ms of a launch that needs neither).
// The bundle's own require('node:module') gets the same class.
const Module = typeof module.constructor.createRequire === 'function' && typeof module.constructor.wrap === 'function'
  ? module.constructor
  : require('node:module');
const { createRequire, wrap } = Module;

// TSJAIL_TIMING=1 (src/timing.ts): when this started, read the bundle and
// compiled it. Not otherwise: the global performance loads perf_hooks.
const timing = process.env.TSJAIL_TIMING === '1';
const now = () => (timing ? performance.now() : 0);
const t0 = now();
const file = join(__dirname, 'tsjail.cjs');
const fd = openSync(file, 'r');
const st = fstatSync(fd);
const source = readFileSync(fd, 'utf8');
closeSync(fd);
let cachedData;
try {
  const cache = readFileSync(`${file}.cache`);
  const nl = cache.indexOf(10);
  if (cache.subarray(0, nl).toString() === `${st.size} ${st.mtimeMs}`) cachedData = cache.subarray(nl + 1);
} catch {
  // no cache: compile
}
const t1 = now();
const script = new Script(wrap(source), { filename: file, cachedData });
const t2 = now();
const mod = { exports: {}, filename: file, id: file, loaded: false };
const bundleRequire = createRequire(file);
const requireFor = Object.assign((id) => (id === 'node:module' ? Module : bundleRequire(id)), bundleRequire);
script.runInThisContext()(mod.exports, requireFor, mod, file, __dirname);
module.exports = { script, entry: mod.exports };
if (timing) {
  mod.exports.mark('node', t0);
  mod.exports.mark('read', t1);
  mod.exports.mark('compiled', t2);
  mod.exports.mark('loaded');
}
if (require.main === module) mod.exports.start([process.argv[0], file, ...process.argv.slice(2)]);
