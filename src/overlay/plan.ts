/** The plan's new root (native/PLAN.md, "Root"): a chroot directory, or an
 * overlay whose lowest layer is that directory ('/' for the host's root).
 * Built by root.ts, written by encode.ts. */
export interface RootSpec {
  readonly base: string;
  /** null: a plain chroot; 'tmpfs': a throw-away upper layer. */
  readonly overlay: null | 'tmpfs' | { readonly upper: string; readonly work: string };
  /** More read-only layers above base, top first. */
  readonly lowers: readonly string[];
}
