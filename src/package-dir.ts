/** The directory tsjail is installed in (the one holding package.json,
 * bin/, dist/, native/ and profiles/). From here, not from each module's
 * own location, so that the same paths hold in dist/ and in the bundle
 * (scripts/bundle.mjs). */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
