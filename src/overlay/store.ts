/** Managed overlays: upper and work directories kept, owned by the caller,
 * under ~/.local/share/tsjail/overlays/NAME. */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OptionError, PlanError } from '../errors.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkOverlayName(option: string, name: string): string {
  if (!NAME.test(name) || name.includes('..')) {
    throw new OptionError(`${option}: '${name}' is not an overlay name (letters, digits, '.', '_', '-'; no '/' or '..')`);
  }
  return name;
}

export function overlaysDir(home: string): string {
  return join(home, '.local', 'share', 'tsjail', 'overlays');
}

export interface OverlayDirs {
  readonly dir: string;
  readonly upper: string;
  readonly work: string;
}

export function overlayDirs(home: string, name: string): OverlayDirs {
  const dir = join(overlaysDir(home), name);
  return { dir, upper: join(dir, 'upper'), work: join(dir, 'work') };
}

/** Creates the overlay's directories (as the caller: this process). */
export function ensureOverlay(home: string, name: string): OverlayDirs {
  const d = overlayDirs(home, name);
  mkdirSync(overlaysDir(home), { recursive: true, mode: 0o700 });
  for (const p of [d.dir, d.upper, d.work]) {
    try {
      mkdirSync(p, { mode: p === d.upper ? 0o755 : 0o700 });
    } catch (e) {
      // Already there is fine: the helper checks what it is.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return d;
}

export function listOverlays(home: string): string[] {
  try {
    return readdirSync(overlaysDir(home)).filter((n) => NAME.test(n)).sort();
  } catch {
    return [];
  }
}

export function requireOverlay(home: string, name: string): OverlayDirs {
  const d = overlayDirs(home, name);
  try {
    if (statSync(d.upper).isDirectory()) return d;
  } catch {
    // reported below
  }
  throw new PlanError(`there is no overlay '${name}' (see --overlay-list)`);
}

export function cleanOverlay(home: string, name: string): void {
  const d = requireOverlay(home, name);
  rmSync(d.dir, { recursive: true, force: false });
}
