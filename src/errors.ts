/** Every error tsjail reports is a TsjailError: one line, one exit code. */
export class TsjailError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad command line syntax: the message, then the usage. */
export class UsageError extends TsjailError {}

/** An option whose value is wrong: one line naming the option. */
export class OptionError extends TsjailError {}

/** A profile line tsjail cannot accept; names file:line. */
export class ProfileError extends TsjailError {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.file = file;
    this.line = line;
  }
}

/** Options that are each fine but cannot make a sandbox together, or a
 * program that cannot be found. */
export class PlanError extends TsjailError {}

/** The helper could not be found or started. */
export class HelperError extends TsjailError {
  readonly stage: string;
  readonly errno: number | null;
  constructor(stage: string, message: string, errno: number | null = null) {
    super(message);
    this.stage = stage;
    this.errno = errno;
  }
}
