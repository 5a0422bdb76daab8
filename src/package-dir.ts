/** The directory tsjail is installed in (the one holding package.json,
 * bin/, dist/, native/ and profiles/). From here, not from each module's
 * own location, so that the same paths hold in dist/ and in the bundle
 * (scripts/bundle.mjs), where import.meta.dirname is __dirname (a file URL
 * made and parsed again, as import.meta.url would be there, was a part of
 * every launch's start). */
import { dirname } from 'node:path';

export const PACKAGE_DIR = dirname(import.meta.dirname);
