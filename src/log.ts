/** --debug and --quiet: messages go to stderr, prefixed like the helper's.
 * Written with writeSync(2): process.stderr would load Node's streams, some
 * 3 ms of a launch that has a line to say (native/FRONT.md). */
import { writeSync } from 'node:fs';

export type LogLevel = 'quiet' | 'normal' | 'debug';

let level: LogLevel = 'normal';

export function setLogLevel(l: LogLevel): void {
  level = l;
}

/** Whether debug() prints: for messages that cost something to make. */
export function debugging(): boolean {
  return level === 'debug';
}

function emit(line: string): void {
  try {
    writeSync(2, line);
  } catch {
    // stderr closed or full: nowhere to say it
  }
}

export function debug(message: string): void {
  if (level === 'debug') emit(`tsjail: debug: ${message}\n`);
}

/** What the user asked to be told (not a warning), unless --quiet. */
export function info(message: string): void {
  if (level !== 'quiet') emit(`tsjail: ${message}\n`);
}

export function warn(message: string): void {
  if (level !== 'quiet') emit(`tsjail: warning: ${message}\n`);
}

export function error(message: string): void {
  emit(`tsjail: ${message}\n`);
}
