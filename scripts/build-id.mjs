// Writes dist/.build-id after each build of the TypeScript side: stored
// plans depend on it (src/cache/), so a rebuilt planner never reuses a plan
// an older one made.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';

writeFileSync(new URL('../dist/.build-id', import.meta.url), `${Date.now()}-${randomBytes(8).toString('hex')}\n`);
