#!/usr/bin/env node
// The Node entry point (src/entry.ts): the bundled planner, dist/tsjail.cjs,
// run from its code cache by dist/start.cjs (scripts/bundle.mjs), as the
// native front end starts it; or the same unbundled, dist/entry.js, when no
// bundle was built.
import { createRequire } from 'node:module';

let entry;
try {
  entry = createRequire(import.meta.url)('../dist/start.cjs').entry;
} catch (e) {
  if (e?.code !== 'MODULE_NOT_FOUND' || !String(e.message).includes('start.cjs')) throw e;
  entry = await import('../dist/entry.js');
}
await entry.start(process.argv);
