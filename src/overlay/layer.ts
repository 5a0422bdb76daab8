/** An overlay's upper directory as an OCI image-layer tarball, and back:
 * whiteouts (character devices 0/0) become .wh.NAME, opaque directories
 * (user.overlay.opaque=y) get a .wh..wh..opq entry. */
import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readlinkSync, readSync, rmSync, symlinkSync, linkSync, writeSync, chmodSync, lutimesSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { koffi } from '../ffi.js';
import { getSystemErrorMap } from 'node:util';
import { PlanError } from '../errors.js';
import { shownPath } from '../fs/paths.js';
import { readTar, TarWriter, type TarEntry } from './tar.js';

const WH = '.wh.';
const OPAQUE = '.wh..wh..opq';
const OPAQUE_XATTR = 'user.overlay.opaque';

interface Xattr {
  lgetxattr(path: string, name: string, value: Buffer, size: number): number;
  lsetxattr(path: string, name: string, value: string, size: number, flags: number): number;
  mknod(path: string, mode: number, dev: number): number;
  strerror(e: number): string;
}

let libc: Xattr | null = null;
function c(): Xattr {
  if (libc === null) {
    const lib = koffi().load('libc.so.6');
    libc = {
      lgetxattr: lib.func('long lgetxattr(const char *path, const char *name, _Out_ uint8_t *value, size_t size)'),
      lsetxattr: lib.func('int lsetxattr(const char *path, const char *name, const char *value, size_t size, int flags)'),
      mknod: lib.func('int mknod(const char *path, uint32_t mode, uint64_t dev)'),
      strerror: lib.func('const char *strerror(int errnum)'),
    };
  }
  return libc;
}

function opaque(path: string): boolean {
  const buf = Buffer.alloc(8);
  const n = c().lgetxattr(path, OPAQUE_XATTR, buf, buf.length);
  return n > 0 && buf.subarray(0, n).toString() === 'y';
}

function fail(what: string): never {
  const e = koffi().errno();
  throw new PlanError(`${what}: ${c().strerror(e)}`);
}

/** A failed file system call, as one line: its errno's text. */
function systemError(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException;
  if (!(err instanceof Error) || typeof e.code !== 'string') return null;
  const text = typeof e.errno === 'number' ? getSystemErrorMap().get(e.errno)?.[1] : undefined;
  return text === undefined ? e.code : `${text} (${e.code})`;
}

const EMPTY = { mode: 0o644, uid: 0, gid: 0, mtime: 0, size: 0, linkname: '' } as const;

/** Writes upper as a layer tarball to file; returns the number of entries. */
export function exportLayer(upper: string, file: string): number {
  const fd = openSync(file, 'w', 0o644);
  let count = 0;
  try {
    const tar = new TarWriter(fd);
    const walk = (rel: string) => {
      const dir = join(upper, rel);
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        const st = lstatSync(path);
        const member = rel ? `${rel}/${name}` : name;
        const base = { mode: st.mode, uid: st.uid, gid: st.gid, mtime: st.mtimeMs / 1000, linkname: '' };
        count++;
        if (st.isCharacterDevice() && st.rdev === 0) {
          tar.entry({ ...EMPTY, name: rel ? `${rel}/${WH}${name}` : `${WH}${name}`, type: 'file' });
        } else if (st.isDirectory()) {
          tar.entry({ ...base, name: `${member}/`, type: 'dir', size: 0 });
          if (opaque(path)) tar.entry({ ...EMPTY, name: `${member}/${OPAQUE}`, type: 'file' });
          walk(member);
        } else if (st.isSymbolicLink()) {
          tar.entry({ ...base, name: member, type: 'symlink', size: 0, linkname: readlinkSync(path) });
        } else if (st.isFile()) {
          tar.entry({ ...base, name: member, type: 'file', size: st.size });
          const src = openSync(path, 'r');
          try {
            const buf = Buffer.alloc(64 * 1024);
            let left = st.size;
            while (left > 0) {
              const n = readSync(src, buf, 0, Math.min(buf.length, left), null);
              if (n === 0) throw new PlanError(`${path} shrank while it was exported`);
              tar.data(buf.subarray(0, n));
              left -= n;
            }
          } finally {
            closeSync(src);
          }
          tar.endEntry(st.size);
        } else {
          count--;
          process.stderr.write(`tsjail: warning: ${member}: not a file, directory or link; left out\n`);
        }
      }
    };
    walk('');
    tar.finish();
  } finally {
    closeSync(fd);
  }
  return count;
}

/** A member name, checked: relative, no '..', nothing but what a layer holds. */
function memberPath(file: string, raw: string): string {
  let name = raw.replace(/^\.\/+/, '').replace(/\/+$/, '');
  if (raw.startsWith('/')) throw new PlanError(`${file}: member '${raw}' has an absolute path`);
  const parts = name.split('/');
  if (name === '' || name === '.' || parts.some((p) => p === '..' || p === '' || p === '.')) {
    throw new PlanError(`${file}: member '${raw}' is not a plain relative path`);
  }
  name = parts.join('/');
  return name;
}

/** No component of rel's parent may be a symlink: nothing is written
 * through a link the archive made. */
function checkParents(root: string, rel: string, file: string, raw: string): void {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const p = join(root, ...parts.slice(0, i));
    let st;
    try {
      st = lstatSync(p);
    } catch {
      mkdirSync(p);
      continue;
    }
    if (!st.isDirectory()) throw new PlanError(`${file}: member '${raw}' goes through '${parts.slice(0, i).join('/')}', which is not a directory`);
  }
}

/** Fills the empty directory upper from a layer tarball. */
export function importLayer(file: string, upper: string): number {
  const fd = openLayer(file);
  let count = 0;
  try {
    readTar(fd, file, (e: TarEntry, read) => {
      try {
        count += importEntry(file, upper, e, read);
      } catch (err) {
        const why = systemError(err);
        if (why === null) throw err;
        throw new PlanError(`${file}: member '${shownPath(e.name)}': ${why}`);
      }
    });
  } catch (err) {
    rmSync(upper, { recursive: true, force: true });
    mkdirSync(upper);
    throw err;
  } finally {
    closeSync(fd);
  }
  return count;
}

/** The layer tarball, opened for reading: a regular file. */
export function openLayer(file: string): number {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new PlanError(`${file}: cannot read it: ${systemError(err) ?? String(err)}`);
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new PlanError(`${file}: not a regular file`);
  }
  return fd;
}

/** One member into upper; returns how many entries it counts for. */
function importEntry(file: string, upper: string, e: TarEntry, read: () => Buffer): number {
  let count = 0;
  const rel = memberPath(file, e.name);
  const base = rel.split('/').pop() as string;
  const parent = dirname(rel) === '.' ? '' : dirname(rel);
  checkParents(upper, rel, file, e.name);
  const target = join(upper, rel);
  count++;
  if (base === OPAQUE) {
    const dir = join(upper, parent);
    if (c().lsetxattr(dir, OPAQUE_XATTR, 'y', 1, 0) !== 0) fail(`${file}: opaque ${parent || '/'}`);
    return count;
  }
  if (base.startsWith(WH)) {
    const victim = join(upper, parent, base.slice(WH.length));
    if (c().mknod(victim, 0o020000, 0) !== 0) fail(`${file}: whiteout ${parent ? `${parent}/` : ''}${base.slice(WH.length)}`);
    return count;
  }
  switch (e.type) {
    case 'dir':
      try {
        if (!lstatSync(target).isDirectory()) throw new PlanError(`${file}: '${e.name}' is both a directory and not`);
      } catch (err) {
        if (err instanceof PlanError) throw err;
        mkdirSync(target);
      }
      chmodSync(target, e.mode & 0o7777);
      break;
    case 'file': {
      const out = openSync(target, 'wx', e.mode & 0o7777);
      try {
        const data = read();
        let off = 0;
        while (off < data.length) off += writeSync(out, data, off);
      } finally {
        closeSync(out);
      }
      chmodSync(target, e.mode & 0o7777);
      break;
    }
    case 'symlink': {
      // An absolute target means the container's own root; a relative one
      // must stay inside the layer.
      if (!e.linkname.startsWith('/')) {
        const resolved = normalize(join(parent, e.linkname));
        if (resolved === '..' || resolved.startsWith('../')) {
          throw new PlanError(`${file}: symlink '${e.name}' points outside the layer ('${e.linkname}')`);
        }
      }
      symlinkSync(e.linkname, target);
      break;
    }
    case 'hardlink': {
      const src = memberPath(file, e.linkname);
      checkParents(upper, src, file, e.linkname);
      linkSync(join(upper, src), target);
      break;
    }
    default:
      count--;
      process.stderr.write(`tsjail: warning: ${file}: '${e.name}' is not a file, directory or link; left out\n`);
  }
  if (e.type !== 'symlink' && e.type !== 'other') {
    try {
      lutimesSync(target, e.mtime, e.mtime);
    } catch {
      // times are best effort
    }
  }
  return count;
}
