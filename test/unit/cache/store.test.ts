import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  noteCwd, noteMode, noteReal, noteStat, recordedEnv, startRecording, stopRecording,
} from '../../../src/cache/deps.js';
import { cacheDir, cacheFileName, encodeStoredPlan, fnv1a64, keyBytes, type StoredPlan } from '../../../src/cache/store.js';

afterEach(() => stopRecording());

describe('stored plans', () => {
  it('name the file by FNV-1a 64 of the key', () => {
    expect(fnv1a64(Buffer.from(''))).toBe(0xcbf29ce484222325n);
    expect(fnv1a64(Buffer.from('a'))).toBe(0xaf63dc4c8601ec8cn);
    const key = { mode: 'command' as const, args: ['--noprofile', '--'], program: 'ls' };
    expect(keyBytes(0, key)).toEqual(Buffer.from('tsjail-plan\u00000\u0000command\u0000--noprofile\u0000--\u0000\u0001ls'));
    expect(keyBytes(5, { mode: 'link', args: [], program: null })).toEqual(Buffer.from('tsjail-plan\u00005\u0000link\u0000\u0002'));
    expect(cacheFileName(0, key)).toMatch(/^[0-9a-f]{16}\.plan$/);
    expect(cacheFileName(0, key)).not.toBe(cacheFileName(1, key));
    expect(cacheFileName(0, key)).not.toBe(cacheFileName(0, { ...key, args: ['--noprofile'] }));
  });

  it('live in XDG_CACHE_HOME when absolute, else in HOME or the password database\'s home', () => {
    expect(cacheDir({ XDG_CACHE_HOME: '/c', HOME: '/h' }, '/pw')).toBe('/c/tsjail');
    expect(cacheDir({ XDG_CACHE_HOME: 'rel', HOME: '/h' }, '/pw')).toBe('/h/.cache/tsjail');
    expect(cacheDir({ HOME: 'rel' }, '/pw')).toBe('/pw/.cache/tsjail');
  });

  it('are framed as native/PLAN.md says', () => {
    const deps = startRecording();
    stopRecording();
    const s: StoredPlan = {
      key: { mode: 'command', args: ['--quiet'], program: 'true' }, uid: 1000, deps, cwd: '/',
      envPolicy: { allow: ['HOME'], allowPrefixes: ['LC_'], deny: [], denyPrefixes: ['LD_'], ops: [{ op: 'remove', name: 'X' }] },
      argvFixed: [], argvFromLaunch: true, helper: '/h', template: Buffer.from('TSJP'),
    };
    const b = encodeStoredPlan(s);
    expect(b.subarray(0, 4).toString()).toBe('TSJC');
    expect(b.readUInt16LE(4)).toBe(1);
    expect(b.readUInt32LE(8)).toBe(b.length - 12);
    const tags: number[] = [];
    for (let off = 12; off < b.length; off += 6 + b.readUInt32LE(off + 2)) tags.push(b.readUInt16LE(off));
    expect(tags).toEqual([0x01, 0x02, 0x03, 0x04, 0x10, 0x11, 0x13, 0x16, 0x21, 0x22, 0x30, 0x31]);
  });

  it('keep a stat record\'s fields little-endian where native/front/fdeps.c reads them', () => {
    const deps = startRecording();
    stopRecording();
    const path = '/x/y';
    deps.files.set(`stat:${path}`, {
      kind: 'stat', path, mode: 0o100644, dev: 0x0102030405060708n, ino: 0xfffffffffffffffen, size: 3n,
      mtimeNs: -2n, ctimeNs: 1_700_000_000_123_456_789n, real: null,
    });
    const b = encodeStoredPlan({
      key: { mode: 'command', args: [], program: null }, uid: 0, deps, cwd: '/',
      envPolicy: { allow: [], allowPrefixes: [], deny: [], denyPrefixes: [], ops: [] },
      argvFixed: [], argvFromLaunch: false, helper: '/h', template: Buffer.from('TSJP'),
    });
    let off = 12;
    while (b.readUInt16LE(off) !== 0x07) off += 6 + b.readUInt32LE(off + 2);
    const v = off + 6;
    expect(b[v]).toBe(3);
    expect(b.readUInt32LE(v + 1)).toBe(0o100644);
    expect(b.readBigUInt64LE(v + 5)).toBe(0x0102030405060708n);
    expect(b.readBigUInt64LE(v + 13)).toBe(0xfffffffffffffffen);
    expect(b.readBigUInt64LE(v + 21)).toBe(3n);
    expect(b.readBigInt64LE(v + 29)).toBe(-2n);
    expect(b.readBigInt64LE(v + 37)).toBe(1_700_000_000_123_456_789n);
    expect(b.readUInt16LE(v + 45)).toBe(path.length);
    expect(b.subarray(v + 47, v + 47 + path.length).toString()).toBe(path);
  });
});

describe('recording what a plan depends on', () => {
  let dir = '';
  afterEach(() => { if (dir !== '') rmSync(dir, { recursive: true, force: true }); });

  it('notes each variable read, and an unset one as unset', () => {
    const rec = startRecording();
    const env = recordedEnv({ A: '1', B: undefined });
    expect(env['A']).toBe('1');
    expect(env['C']).toBeUndefined();
    expect('A' in env).toBe(true);
    expect([...rec.env]).toEqual([['A', '1'], ['C', null]]);
    expect(rec.uncacheable).toBeNull();
    expect(Object.keys(env)).toEqual(['A']);
    expect(rec.uncacheable).toMatch(/whole environment/);
  });

  it('notes files once, as first seen, and a relative path makes the plan uncacheable', () => {
    dir = mkdtempSync(join(tmpdir(), 'tjtest-deps-'));
    writeFileSync(join(dir, 'f'), 'x');
    symlinkSync(join(dir, 'f'), join(dir, 'l'));
    const rec = startRecording();
    expect(noteMode(join(dir, 'f'))).toBeGreaterThan(0);
    expect(noteMode(join(dir, 'missing'))).toBe(0);
    expect((noteMode(join(dir, 'l'), false) ?? 0) & 0o170000).toBe(0o120000);
    noteStat(join(dir, 'f'));
    writeFileSync(join(dir, 'f'), 'longer');
    noteStat(join(dir, 'f'));
    expect(rec.files.get(`stat:${join(dir, 'f')}`)?.size).toBe(1n);
    expect(noteReal(join(dir, 'l'))).toBe(join(dir, 'f'));
    expect(noteReal(join(dir, 'l', 'x', 'y'))).toBe(join(dir, 'f', 'x', 'y'));
    expect(rec.usesCwd).toBe(false);
    noteCwd();
    expect(rec.usesCwd).toBe(true);
    expect(rec.uncacheable).toBeNull();
    noteMode('relative');
    expect(rec.uncacheable).toMatch(/relative path/);
    stopRecording();
    expect(noteMode(join(dir, 'f'))).toBeUndefined();
  });
});
