/** tracelog: the path-taking calls the seccomp filter notifies
 * (SECCOMP_RET_USER_NOTIF) so that the sandbox's init can log those that
 * name a blacklisted path (native/tracelog.c). The calls go on unchanged
 * (the blacklist mounts deny); each costs a round trip to init.
 *
 * The set: what opens, executes, inspects or changes a path by name
 * (opendir is openat; fopen is open or openat). stat-like calls given
 * AT_EMPTY_PATH name no path (glibc's fstat is newfstatat(fd, "",
 * AT_EMPTY_PATH)) and are not notified, so the filter inspects their
 * flags. Calls that name a second path (rename's target, link, symlink)
 * are logged by their first only. */

/** One call: which argument holds the path, which the directory fd it is
 * relative to (null: the working directory), and which the flags where
 * AT_EMPTY_PATH means there is no path (null: none). */
export interface TracedShape {
  readonly name: string;
  readonly path: number;
  readonly dirfd: number | null;
  readonly emptyPathFlags: number | null;
}

const plain = (name: string): TracedShape => ({ name, path: 0, dirfd: null, emptyPathFlags: null });
const at = (name: string, emptyPathFlags: number | null = null): TracedShape => ({ name, path: 1, dirfd: 0, emptyPathFlags });

/** Calls an architecture does not have (stat64 on x86_64) are left out
 * there. */
export const TRACED_CALLS: readonly TracedShape[] = [
  plain('open'), plain('creat'), at('openat'), at('openat2'),
  plain('execve'), at('execveat', 4),
  plain('stat'), plain('lstat'), plain('stat64'), plain('lstat64'),
  at('newfstatat', 3), at('fstatat64', 3), at('statx', 2),
  plain('access'), at('faccessat'), at('faccessat2', 3),
  plain('readlink'), at('readlinkat'),
  plain('chdir'), plain('truncate'), plain('truncate64'),
  plain('mkdir'), at('mkdirat'), plain('rmdir'), plain('unlink'), at('unlinkat'),
  plain('rename'), at('renameat'), at('renameat2'),
  plain('chmod'), at('fchmodat'), plain('chown'), plain('lchown'), plain('chown32'), plain('lchown32'),
  at('fchownat', 4),
];

/** AT_EMPTY_PATH, <fcntl.h>. */
export const AT_EMPTY_PATH = 0x1000;

/** A call the filter notifies on one ABI: the plan's TRACE_CALL record. */
export interface TracedCall {
  readonly name: string;
  /** AUDIT_ARCH_*, as the kernel's seccomp_data has it. */
  readonly arch: number;
  readonly nr: number;
  readonly path: number;
  readonly dirfd: number | null;
}

/** The plan's tracelog part (TRACE_PATH, TRACE_CALL records). */
export interface TracelogPlan {
  /** The blacklisted paths whose accesses are logged (and what is below them). */
  readonly paths: readonly string[];
  readonly calls: readonly TracedCall[];
}
