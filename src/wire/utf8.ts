/** Writing a string's UTF-8 into a Buffer without Buffer.write's argument
 * checks: in code that runs once, as a cold launch's does, checking the
 * offset and the length cost four times the write itself (1,000 paths:
 * 0.73 against 0.17 ms), and a launch writes some 1,000 (its plan, then its
 * stored plan). utf8Write is the method Buffer.write calls once it has
 * checked them; it is not documented, so it is used only where this Node
 * has it, else Buffer.write. The caller makes the room: at most 3 bytes a
 * UTF-16 unit. Returns the bytes written. */

interface Utf8Writer {
  utf8Write(s: string, offset: number): number;
}

const unchecked = typeof (Buffer.prototype as Partial<Utf8Writer>).utf8Write === 'function';

export function writeUtf8(buf: Buffer, s: string, offset: number): number {
  return unchecked ? (buf as unknown as Utf8Writer).utf8Write(s, offset) : buf.write(s, offset, 'utf8');
}
