/** What a blocked call does: return an errno (EPERM unless told), kill the
 * whole program (SIGSYS), or only log and go on. */
import { ACT_KILL_PROCESS, ACT_LOG, actErrno } from './libseccomp.js';
import { errnoName, errnoNumber } from './errno.js';

export type Action =
  | { readonly kind: 'errno'; readonly errno: number }
  | { readonly kind: 'kill' }
  | { readonly kind: 'log' };

export const EPERM: Action = Object.freeze({ kind: 'errno', errno: 1 });
export const ENOSYS: Action = Object.freeze({ kind: 'errno', errno: 38 });

/** errno (EPERM), kill, log or an errno name; null when it is none. */
export function parseAction(text: string): Action | null {
  if (text === 'errno') return EPERM;
  if (text === 'kill') return { kind: 'kill' };
  if (text === 'log') return { kind: 'log' };
  if (!/^E[A-Za-z0-9]+$/.test(text)) return null;
  const n = errnoNumber(text);
  return n === null ? null : { kind: 'errno', errno: n };
}

/** EPERM, ENOSYS, ..., kill or log: as --print-plan shows it. */
export function actionName(a: Action): string {
  return a.kind === 'errno' ? errnoName(a.errno) : a.kind;
}

export function actionValue(a: Action): number {
  switch (a.kind) {
    case 'errno': return actErrno(a.errno);
    case 'kill': return ACT_KILL_PROCESS;
    case 'log': return ACT_LOG;
  }
}

export function sameAction(a: Action, b: Action): boolean {
  return actionValue(a) === actionValue(b);
}
