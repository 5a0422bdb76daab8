#!/usr/bin/env node
// The Node entry point. The native front end (native/front.c) starts it
// when it has no stored plan to use: TSJAIL_INVOKED_AS is the name it was
// started as (a launcher link's is the program's, tsjail --setup-desktop),
// TSJAIL_FRONT what it found. Neither reaches anything tsjail starts.
// dist/tsjail.mjs is the bundled planner (scripts/bundle.mjs); dist/main.js
// the same, unbundled, when no bundle was built.
const env = process.env;
const invokedAs = env.TSJAIL_INVOKED_AS ?? process.argv[1];
const front = env.TSJAIL_FRONT ?? null;
delete env.TSJAIL_INVOKED_AS;
delete env.TSJAIL_FRONT;
let planner;
try {
  planner = await import('../dist/tsjail.mjs');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  planner = await import('../dist/main.js');
}
await planner.run(process.argv.slice(2), invokedAs, front);
