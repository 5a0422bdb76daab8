/** The profile model both readers produce: a file is a list of lines
 * (include, ignore, directive), each with its line number; a loaded profile
 * is the list of directives that survived includes, conditions and ignore,
 * each still knowing its file:line. Directive names are rows of the options
 * table (src/options-schema.ts). */

export type ProfileFormat = 'ini' | 'firejail';

/** A file a plan was built from (the plan's SOURCE records). */
export interface PlanSource {
  readonly path: string;
  /** Nanoseconds since the epoch, as a decimal string (exceeds 2^53). */
  readonly mtimeNs: string;
}

/** A value as written: true/false for a flag (false only in INI), a string
 * otherwise. Macros are expanded by the loader, not by the readers. */
export type RawValue = string | boolean;

export type ProfileLine =
  | { readonly kind: 'include'; readonly line: number; readonly target: string; readonly condition: string | null }
  | {
      readonly kind: 'ignore';
      readonly line: number;
      readonly pattern: string;
      readonly condition: string | null;
      /** firejail: the lines that follow; ini: the whole profile. */
      readonly scope: 'following' | 'profile';
    }
  | {
      readonly kind: 'directive';
      readonly line: number;
      /** The options-table row. */
      readonly name: string;
      readonly value: RawValue;
      readonly condition: string | null;
      /** The firejail spelling, when an old alias was read as this row. */
      readonly spelled?: string;
    };

export interface Directive {
  readonly name: string;
  /** After macro expansion. */
  readonly value: RawValue;
  /** As written. */
  readonly raw: RawValue;
  readonly file: string;
  readonly line: number;
  readonly format: ProfileFormat;
  readonly condition: string | null;
  readonly spelled?: string;
}

export interface IgnoreRule {
  readonly pattern: string;
  /** null: --ignore on the command line. */
  readonly file: string | null;
  readonly line: number;
  readonly condition: string | null;
}

export interface LoadedProfile {
  /** The profile asked for. */
  readonly file: string;
  /** In the order read. */
  readonly directives: readonly Directive[];
  /** Dropped by an ignore. */
  readonly ignored: readonly { readonly directive: Directive; readonly by: IgnoreRule }[];
  /** Skipped because their ?CONDITION was false. */
  readonly skipped: readonly Directive[];
  /** Every file read, once each, in the order first read. */
  readonly sources: readonly PlanSource[];
  /** Conditional ignores kept for the converter (keepConditionals). */
  readonly conditionalIgnores: readonly IgnoreRule[];
}

/** "name value", or "name" for a flag: what ignore patterns match. */
export function directiveText(name: string, value: RawValue): string {
  if (value === true) return name;
  if (value === false) return `${name} false`;
  return `${name} ${value}`;
}

/** Spaces collapsed: the form ignore patterns are kept in. */
export function normalizePattern(pattern: string): string {
  return pattern.trim().replace(/\s+/g, ' ');
}

/** firejail's rule: the pattern (normalised) is the line itself or a prefix
 * of it that ends at a space ("ignore net" drops "net none", not
 * "netfilter"). */
export function ignoreMatches(pattern: string, text: string): boolean {
  return text.startsWith(pattern) && (text.length === pattern.length || text.charCodeAt(pattern.length) === 32);
}
