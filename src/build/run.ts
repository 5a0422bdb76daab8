/** tsjail --build[=FILE] PROGRAM...: firejail's profile builder, in tsjail's
 * own way. The program runs in a relaxed sandbox (no profile: the options
 * on the command line, new namespaces, no capabilities, no_new_privs)
 * under strace, which runs inside that sandbox, as the caller: tracing
 * needs no privilege there, works the same through a setuid or a rootless
 * helper, and sees the program alone, not the helper setting up. Node waits
 * for the sandbox (it does not hand over with execve as a launch does),
 * reads the trace (trace.ts), and prints the profile (profile.ts) or
 * writes it to FILE, which must not exist yet. */
import { existsSync, lstatSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildDbus, hostDbus, unixPath } from '../dbus/plan.js';
import { buildEnvironment } from '../environment.js';
import { OptionError, TsjailError } from '../errors.js';
import { hostProbe } from '../fs/probe.js';
import { findHelper, runHelper } from '../launch.js';
import { debug, info } from '../log.js';
import { normalizeOptions } from '../options.js';
import { toRawOptions, type OptionValues } from '../options-schema.js';
import { PACKAGE_DIR } from '../package-dir.js';
import { buildPlan } from '../plan/build.js';
import { encodePlan } from '../plan/encode.js';
import { loadProfile } from '../profile/loader.js';
import { profileContext } from '../profile/index.js';
import { resolveProgram } from '../program.js';
import { VERSION } from '../version.js';
import { buildProfile, type BuildFacts, type IncludedPath } from './profile.js';
import { observe } from './trace.js';

/** What the built profile includes, as default.ini does. */
const INCLUDES = ['inc/disable-common.ini', 'inc/disable-passwdmgr.ini', 'inc/disable-programs.ini'];

/** The includes' blacklists and read-only paths, expanded for this caller. */
function included(env: Readonly<Record<string, string | undefined>>, cwd: string) {
  const ctx = profileContext(env, cwd);
  const blacklisted: IncludedPath[] = [];
  const readOnly: IncludedPath[] = [];
  for (const inc of INCLUDES) {
    const p = loadProfile(join(PACKAGE_DIR, 'profiles', inc), { dirs: ctx.dirs, macros: ctx.macros, site: ctx.site });
    for (const d of p.directives) {
      if (typeof d.value !== 'string' || typeof d.raw !== 'string') continue;
      if (d.name === 'blacklist') blacklisted.push({ raw: d.raw, path: d.value });
      if (d.name === 'read-only') readOnly.push({ raw: d.raw, path: d.value });
    }
  }
  return { blacklisted, readOnly };
}

/** The interpreter a #! line names. */
function interpreter(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(256);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const m = /^#!\s*(\/\S+)/.exec(buf.subarray(0, n).toString('latin1'));
    return m === null ? null : (m[1] as string);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

function realpath(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** strace, found in PATH as a program is. */
function strace(env: Readonly<Record<string, string | undefined>>, cwd: string) {
  try {
    return resolveProgram(['strace'], env, cwd, ['/']);
  } catch {
    throw new TsjailError('--build needs strace (Debian: apt-get install strace)');
  }
}

export function runBuild(values: OptionValues, command: readonly string[], caller: { uid: number; home: string }): number {
  const asked = values.get('build');
  const file = typeof asked === 'string' && asked !== '' ? resolve(asked) : null;
  for (const other of ['profile', 'print-plan', 'chroot', 'overlay', 'overlay-tmpfs']) {
    if (values.has(other)) throw new OptionError(`--build cannot be used with --${other}: it runs the program without a profile, on the host's root`);
  }
  if (command.length === 0) throw new OptionError('--build needs a program to run');
  if (file !== null && existsSync(file)) throw new OptionError(`--build: '${file}' exists; tsjail does not overwrite it`);
  const cwd = process.cwd();
  const env = process.env;
  const options = normalizeOptions({ ...toRawOptions(values, command), noProfile: true }, { home: caller.home, cwd });
  // The program must be there; strace then finds it the same way, in PATH.
  const program = resolveProgram(options.command, env, cwd, ['/']);
  const tracer = strace(env, cwd);
  const dir = mkdtempSync(join(tmpdir(), 'tsjail-build-'));
  try {
    const trace = join(dir, 'trace');
    const argv = [tracer.argv[0] ?? 'strace', '-f', '-qq', '-y', '-s', '64', '-e', 'signal=none', '-o', trace, '--', ...options.command];
    const dbus = buildDbus(options.dbus, hostDbus(env, caller.uid, options.network.namespace, hostProbe.canonical));
    const plan = buildPlan(options, {
      resolved: { program: tracer.program, argv }, env: buildEnvironment(env, options, dbus.env), cwd, caller,
      probe: hostProbe, root: null, dbus: dbus.plan,
    });
    debug(`--build: tracing ${program.program} with ${tracer.program}, the trace in ${trace}`);
    // ^C is the program's: this process waits for the sandbox to end.
    const ignore = () => undefined;
    for (const sig of ['SIGINT', 'SIGQUIT'] as const) process.on(sig, ignore);
    const status = runHelper(findHelper(env), encodePlan(plan));
    for (const sig of ['SIGINT', 'SIGQUIT'] as const) process.off(sig, ignore);
    let text: string;
    try {
      text = readFileSync(trace, 'utf8');
    } catch {
      throw new TsjailError(`--build: the traced run left no trace (status ${status}); an option may have hidden ${dir}`);
    }
    const facts: BuildFacts = {
      program: program.argv[0]?.split('/').pop() ?? 'program', command: options.command, version: VERSION, uid: caller.uid,
      home: caller.home, homeReal: realpath(caller.home) ?? caller.home, includes: INCLUDES, ...included(env, cwd),
      sessionBus: sockets(env['DBUS_SESSION_BUS_ADDRESS'], `/run/user/${caller.uid}/bus`),
      systemBus: sockets(env['DBUS_SYSTEM_BUS_ADDRESS'], '/run/dbus/system_bus_socket'),
      isSymlink, realpath, interpreter,
    };
    const profile = buildProfile(observe(text, cwd), facts);
    if (file === null) {
      process.stdout.write(`; ---- tsjail --build: the profile follows ----\n${profile}`);
    } else {
      try {
        writeFileSync(file, profile, { flag: 'wx', mode: 0o644 });
      } catch (e) {
        throw new TsjailError(`--build: cannot write '${file}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
      info(`profile written to ${file}`);
    }
    return status;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A bus's socket paths: its default one and its address's. */
function sockets(address: string | undefined, dflt: string): string[] {
  const p = address === undefined ? null : unixPath(address);
  return p === null ? [dflt] : [dflt, p];
}
