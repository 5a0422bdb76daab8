/** TSJAIL_TIMING=1: the full path notes when it reaches each stage of a
 * launch (milliseconds since Node started, performance.now()) and writes
 * them to stderr, one line, just before it hands over. For measuring the
 * cold path (bench/README.md); off, mark() does nothing. The variable is
 * read once, here, not through the recorded environment: it changes no
 * plan. */
const on = process.env['TSJAIL_TIMING'] === '1';
const marks: [string, number][] = [];

export function mark(stage: string, at?: number): void {
  if (on) marks.push([stage, at ?? performance.now()]);
}

/** The marks so far, as "stage=ms ..." (null when timing is off). */
export function timingLine(): string | null {
  if (!on) return null;
  return marks.map(([s, t]) => `${s}=${t.toFixed(2)}`).join(' ');
}
