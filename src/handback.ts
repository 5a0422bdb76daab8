/** The hand-back: started by the native front end with a pipe
 * (src/front-end.ts), the full path does not exec the helper (or a
 * launcher link's program) itself: it writes what it would have executed
 * into the pipe, closes it and exits, and the front end does the exec
 * (native/front/fback.c, where the message is described). What is left
 * (the stored plan's file) is done after the hand-back, while the helper
 * starts. So a launch needs no koffi, whose loading was a good part of
 * a cold launch's cost over Node's own start-up (native/FRONT.md). */
import { closeSync, writeSync } from 'node:fs';
import { HelperError } from './errors.js';
import { put32 } from './wire/records.js';
import { writeUtf8 } from './wire/utf8.js';

const HELPER = 1;
const PROGRAM = 2;

/** "TSJB", u32 kind, then the pieces: a number as u32, a string or bytes
 * as u32 length and the bytes. One buffer, bytes stored one by one and
 * strings by writeUtf8: Buffer's checked methods, in code that runs once,
 * were most of what the hand-back cost. */
function message(kind: number, parts: readonly (string | Buffer | number)[]): Buffer {
  let max = 8;
  for (const p of parts) {
    if (typeof p === 'string' && p.includes('\0')) throw new HelperError('execve', `a NUL byte in ${JSON.stringify(p)}`);
    max += 4 + (typeof p === 'number' ? 0 : typeof p === 'string' ? 3 * p.length : p.length);
  }
  const out = Buffer.allocUnsafe(max);
  out[0] = 0x54;
  out[1] = 0x53;
  out[2] = 0x4a;
  out[3] = 0x42;
  put32(out, 4, kind);
  let off = 8;
  for (const p of parts) {
    if (typeof p === 'number') {
      put32(out, off, p);
      off += 4;
    } else if (typeof p === 'string') {
      const n = writeUtf8(out, p, off + 4);
      put32(out, off, n);
      off += 4 + n;
    } else {
      put32(out, off, p.length);
      out.set(p, off + 4);
      off += 4 + p.length;
    }
  }
  return out.subarray(0, off);
}

/** after: what is left to do once the front end has the launch (it does
 * not fail: the stored plan's file is written or a debug line says why).
 * It is done whether or not the hand-back went through: the stored plan
 * holds either way (and the build's warm-up, whose hand-back fails, runs it
 * into the code cache). */
function send(fd: number, msg: Buffer, after?: () => void): never {
  let failure: Error | null = null;
  try {
    let off = 0;
    while (off < msg.length) off += writeSync(fd, msg, off);
    closeSync(fd);
  } catch (e) {
    failure = e as Error;
  }
  after?.();
  if (failure !== null) {
    throw new HelperError('hand-back', `cannot hand the launch back to the front end: ${failure.message}`);
  }
  // What exec would have done to this process: nothing of it runs on.
  // SIGKILL ends it without Node's own exit work (its threads, its heap);
  // all it wrote was written synchronously. The front end waits for this
  // end only before it runs a program; the helper reaps this process.
  process.kill(process.pid, 'SIGKILL');
  throw new HelperError('hand-back', 'still running after handing the launch back');
}

/** The helper, with plan on --plan-fd (and an empty environment). */
export function handBackHelper(fd: number, helper: string, plan: Buffer, after?: () => void): never {
  return send(fd, message(HELPER, [helper, plan]), after);
}

/** A program run as it is (a launcher link inside a sandbox). */
export function handBackProgram(fd: number, program: string, argv: readonly string[], env: readonly string[]): never {
  return send(fd, message(PROGRAM, [program, argv.length, ...argv, env.length, ...env]));
}
