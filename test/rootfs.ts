/** A tiny root filesystem for chroot and overlay tests: busybox-static and
 * a few files, built in a fresh directory. */
import { execFileSync } from 'node:child_process';
import { chownSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireInstalled } from './helpers.js';

const APPLETS = ['sh', 'ls', 'cat', 'echo', 'rm', 'touch', 'mkdir', 'ps', 'wget', 'httpd', 'id', 'sleep', 'grep', 'stat', 'wc'];

export function makeRootfs(parent: string, owner?: { uid: number; gid: number }): string {
  const root = mkdtempSync(join(parent, 'tjtest-rootfs-'));
  for (const d of ['bin', 'etc', 'proc', 'dev', 'sys', 'tmp', 'www']) mkdirSync(join(root, d));
  requireInstalled('/bin/busybox', 'busybox-static');
  copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'));
  execFileSync('chmod', ['755', join(root, 'bin', 'busybox')]);
  for (const a of APPLETS) symlinkSync('busybox', join(root, 'bin', a));
  writeFileSync(join(root, 'etc', 'os-release'), 'NAME="tjtest rootfs"\nID=tjtest\n');
  writeFileSync(join(root, 'etc', 'basefile'), 'from the base\n');
  writeFileSync(join(root, 'www', 'index.html'), 'hello from the rootfs\n');
  execFileSync('chmod', ['-R', 'go-w', root]);
  execFileSync('chmod', ['755', root]);
  if (owner) execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, root]);
  return root;
}

/** A listing of every path with its size and mode: to show a tree unchanged. */
export function snapshot(dir: string): string {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const n of readdirSync(join(dir, rel)).sort()) {
      const p = join(rel, n);
      const st = statSync(join(dir, p), { throwIfNoEntry: false });
      out.push(`${p} ${st?.size ?? 'link'} ${st?.mode ?? ''}`);
      if (st?.isDirectory() && !p.startsWith('bin/')) walk(p);
    }
  };
  walk('');
  return out.join('\n');
}

export { chownSync };
