/** --debug and --quiet: messages go to stderr, prefixed like the helper's. */
export type LogLevel = 'quiet' | 'normal' | 'debug';

let level: LogLevel = 'normal';

export function setLogLevel(l: LogLevel): void {
  level = l;
}

/** Whether debug() prints: for messages that cost something to make. */
export function debugging(): boolean {
  return level === 'debug';
}

export function debug(message: string): void {
  if (level === 'debug') process.stderr.write(`tsjail: debug: ${message}\n`);
}

/** What the user asked to be told (not a warning), unless --quiet. */
export function info(message: string): void {
  if (level !== 'quiet') process.stderr.write(`tsjail: ${message}\n`);
}

export function warn(message: string): void {
  if (level !== 'quiet') process.stderr.write(`tsjail: warning: ${message}\n`);
}

export function error(message: string): void {
  process.stderr.write(`tsjail: ${message}\n`);
}
