import { describe, expect, it } from 'vitest';
import {
  escapeString, getValue, joinExec, parseEntry, quoteExecWord, serializeEntry, splitExec, unescapeString,
} from '../../../src/desktop/entry.js';

describe('.desktop files', () => {
  it('keeps every line as it was', () => {
    const text = '# c\n[Desktop Entry]\nName = A b\nName[de]=X\n\n[Desktop Action n]\nExec=a\n';
    const lines = parseEntry(text);
    expect(serializeEntry(lines)).toBe(text);
    expect(getValue(lines, 'Desktop Entry', 'Name')).toBe('A b');
    expect(getValue(lines, 'Desktop Entry', 'Name[de]')).toBe('X');
    expect(getValue(lines, 'Desktop Action n', 'Exec')).toBe('a');
    expect(getValue(lines, 'Desktop Entry', 'Exec')).toBeNull();
  });

  it('decodes and encodes the string escapes', () => {
    expect(unescapeString('a\\sb\\nc\\td\\\\e\\;')).toBe('a b\nc\td\\e\\;');
    expect(unescapeString(escapeString('x\\y\nz\t'))).toBe('x\\y\nz\t');
  });

  it('splits Exec into words as the spec quotes them', () => {
    expect(splitExec('prog --a "b c" %U')).toEqual(['prog', '--a', 'b c', '%U']);
    expect(splitExec('"/opt/my app/run" "say \\"hi\\" \\$HOME \\`x\\` \\\\"')).toEqual(['/opt/my app/run', 'say "hi" $HOME `x` \\']);
    expect(splitExec("sh -c 'echo  x' \"\"")).toEqual(['sh', '-c', 'echo  x', '']);
    expect(splitExec('  a   b  ')).toEqual(['a', 'b']);
    expect(() => splitExec('a "b')).toThrow(/unterminated/);
  });

  it('quotes words with reserved characters only', () => {
    expect(quoteExecWord('/usr/bin/x')).toBe('/usr/bin/x');
    expect(quoteExecWord('%u')).toBe('%u');
    expect(quoteExecWord('--x=%f')).toBe('--x=%f');
    expect(quoteExecWord('a b')).toBe('"a b"');
    expect(quoteExecWord('$`"\\')).toBe('"\\$\\`\\"\\\\"');
    expect(quoteExecWord('')).toBe('""');
  });

  it('round-trips words through an Exec value', () => {
    const words = ['/opt/a b/prog', '--', '--flag', 'x"y', 'back\\slash', '$V', '%f', 'tab\there', ''];
    expect(splitExec(unescapeString(joinExec(words)))).toEqual(words);
    // A backslash is escaped twice: once for Exec quoting, once as a string.
    expect(joinExec(['a\\b'])).toBe('"a\\\\\\\\b"');
  });
});
