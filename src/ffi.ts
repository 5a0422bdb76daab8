/** koffi, loaded on first use. Loading it (its JavaScript and its native
 * module) is a few milliseconds that a launch through the native front end
 * does without: the front end execs the helper (src/handback.ts), the
 * seccomp filter usually comes precompiled (src/seccomp/precompiled.ts)
 * and the front end says whether the kernel has MDWE. Everything else that
 * calls C (the hand-over of a Node script, libseccomp for other filters,
 * overlays' xattrs) takes it from here. */
import { createRequire } from 'node:module';

type Koffi = typeof import('koffi');

let loaded: Koffi | null = null;

export function koffi(): Koffi {
  loaded ??= createRequire(import.meta.url)('koffi') as Koffi;
  return loaded;
}
