/** The overlay commands: list, clean, export, import. They run as the
 * caller, on the caller's own directories, and start no sandbox. */
import { closeSync, readdirSync } from 'node:fs';
import { PlanError } from '../errors.js';
import { exportLayer, importLayer, openLayer } from './layer.js';
import { checkOverlayName, cleanOverlay, ensureOverlay, listOverlays, requireOverlay } from './store.js';

export type OverlayCommand =
  | { readonly kind: 'overlay-list' }
  | { readonly kind: 'overlay-clean'; readonly name: string }
  | { readonly kind: 'overlay-export'; readonly name: string; readonly file: string }
  | { readonly kind: 'overlay-import'; readonly file: string; readonly name: string };

export function runOverlayCommand(cmd: OverlayCommand, home: string): number {
  switch (cmd.kind) {
    case 'overlay-list':
      for (const n of listOverlays(home)) process.stdout.write(`${n}\n`);
      return 0;
    case 'overlay-clean':
      cleanOverlay(home, checkOverlayName('--overlay-clean', cmd.name));
      return 0;
    case 'overlay-export': {
      const d = requireOverlay(home, checkOverlayName('--overlay-export', cmd.name));
      const n = exportLayer(d.upper, cmd.file);
      process.stderr.write(`tsjail: overlay '${cmd.name}': ${n} entries written to ${cmd.file}\n`);
      return 0;
    }
    case 'overlay-import': {
      const name = checkOverlayName('--overlay-import', cmd.name);
      // A file that cannot be read makes no overlay, not even for a moment.
      closeSync(openLayer(cmd.file));
      const fresh = listOverlays(home).includes(name) ? null : true;
      const d = ensureOverlay(home, name);
      if (!fresh && readdirSync(d.upper).length > 0) {
        throw new PlanError(`overlay '${name}' already has a layer; import into a new name`);
      }
      try {
        const n = importLayer(cmd.file, d.upper);
        process.stderr.write(`tsjail: overlay '${name}': ${n} entries read from ${cmd.file}\n`);
      } catch (e) {
        if (fresh) cleanOverlay(home, name);
        throw e;
      }
      return 0;
    }
  }
}
