/** The plan's new root, from --chroot, --overlay, --overlay-tmpfs and
 * --overlay-lower. */
import type { RootOptions } from '../options.js';
import type { RootSpec } from './plan.js';
import { ensureOverlay } from './store.js';

export function rootSpec(opts: RootOptions, home: string): RootSpec | null {
  const base = opts.chroot ?? '/';
  if (opts.overlay !== null) {
    const d = ensureOverlay(home, opts.overlay);
    return { base, overlay: { upper: d.upper, work: d.work }, lowers: [...opts.overlayLower] };
  }
  if (opts.overlayTmpfs) return { base, overlay: 'tmpfs', lowers: [...opts.overlayLower] };
  if (opts.chroot !== null) return { base: opts.chroot, overlay: null, lowers: [] };
  return null;
}

/** Directories a program is looked up in, top layer first. */
export function rootLayers(root: RootSpec | null): string[] {
  if (root === null) return ['/'];
  const upper = root.overlay !== null && root.overlay !== 'tmpfs' ? [root.overlay.upper] : [];
  return [...upper, ...root.lowers, root.base];
}
