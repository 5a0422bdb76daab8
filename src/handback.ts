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

const MAGIC = 'TSJB';
const HELPER = 1;
const PROGRAM = 2;
const PROXY = 3;

/** Length-prefixed pieces, in one buffer. */
function message(kind: number, parts: readonly (string | Buffer | number)[]): Buffer {
  const bufs: Buffer[] = [Buffer.from(MAGIC, 'latin1'), u32(kind)];
  for (const p of parts) {
    if (typeof p === 'number') {
      bufs.push(u32(p));
      continue;
    }
    if (typeof p === 'string' && p.includes('\0')) throw new HelperError('execve', `a NUL byte in ${JSON.stringify(p)}`);
    const b = typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
    bufs.push(u32(b.length), b);
  }
  return Buffer.concat(bufs);
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v, 0);
  return b;
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

/** Before the launch, as soon as the plan is known to filter D-Bus: the
 * front end starts xdg-dbus-proxy now, for the helper to take over, so that
 * it has loaded its libraries by then (native/front/fproxy.c). Not an
 * error if it cannot be said: the helper starts its own (and a pipe that
 * cannot take this cannot take the hand-back either, which says so). */
export function handBackProxy(fd: number): void {
  try {
    writeSync(fd, message(PROXY, []));
  } catch {
    // the helper starts the proxy
  }
}
