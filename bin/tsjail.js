#!/usr/bin/env node
// The Node entry point (src/entry.ts): the bundled planner, dist/tsjail.cjs
// (scripts/bundle.mjs), which the native front end starts directly; or the
// same unbundled, dist/entry.js, when no bundle was built.
import { createRequire } from 'node:module';

let entry;
try {
  entry = createRequire(import.meta.url)('../dist/tsjail.cjs');
} catch (e) {
  if (e?.code !== 'MODULE_NOT_FOUND' || !String(e.message).includes('tsjail.cjs')) throw e;
  entry = await import('../dist/entry.js');
}
await entry.start(process.argv);
