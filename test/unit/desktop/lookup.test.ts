import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findRealProgram, isOwnInterpreter, isTsjailLauncher, realProgramFor, TSJAIL_ENTRY, wrapperName,
} from '../../../src/desktop/lookup.js';
import { profileDirs, profiledPrograms, profileFor } from '../../../src/desktop/profiles.js';
import { TSJAIL } from '../../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tjtest-lookup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(path: string): string {
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

describe('launcher lookup', () => {
  it('knows its own entry point and its names', () => {
    expect(TSJAIL_ENTRY).toBe(TSJAIL);
    expect(wrapperName('/usr/bin/tsjail')).toBeNull();
    expect(wrapperName('/x/bin/tsjail.js')).toBeNull();
    expect(wrapperName('/usr/local/bin/firefox')).toBe('firefox');
  });

  it('finds the next program in PATH that is not a link to tsjail', () => {
    const links = join(dir, 'links');
    const more = join(dir, 'more');
    const real = join(dir, 'real');
    for (const d of [links, more, real]) mkdirSync(d);
    symlinkSync(TSJAIL_ENTRY, join(links, 'app'));
    symlinkSync(join(links, 'app'), join(more, 'app')); // a link to the link
    writeFileSync(join(more, 'tsjail.js'), ''); // another tsjail
    symlinkSync(join(more, 'tsjail.js'), join(more, 'other'));
    const prog = script(join(real, 'app'));
    writeFileSync(join(real, 'notexec'), '');
    const path = `${links}:${more}:${real}`;
    expect(isTsjailLauncher(join(links, 'app'))).toBe(true);
    expect(isTsjailLauncher(join(more, 'other'))).toBe(true);
    expect(isTsjailLauncher(prog)).toBe(false);
    expect(findRealProgram('app', path, '/')).toBe(prog);
    expect(findRealProgram('other', path, '/')).toBeNull();
    expect(findRealProgram('notexec', path, '/')).toBeNull();
    expect(findRealProgram('app', links, '/')).toBeNull();
    expect(realProgramFor('app', path, '/')).toBe(prog);
    expect(realProgramFor(join(links, 'app'), path, '/')).toBe(prog);
    expect(realProgramFor(prog, '', '/')).toBe(prog);
    expect(realProgramFor('./app', path, '/')).toBeNull();
  });

  it('knows the node it runs on', () => {
    expect(isOwnInterpreter(process.execPath)).toBe(true);
    expect(isOwnInterpreter('/bin/sh')).toBe(false);
  });
});

describe('profileFor', () => {
  it('looks in TSJAIL_PROFILE_PATH first, then the usual directories', () => {
    const a = join(dir, 'pa');
    const b = join(dir, 'pb');
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(join(a, 'one.ini'), '');
    writeFileSync(join(b, 'one.ini'), '');
    writeFileSync(join(b, 'two.ini'), '');
    writeFileSync(join(b, 'default.ini'), '');
    writeFileSync(join(b, 'bad name.ini'), '');
    mkdirSync(join(b, 'dir.ini'));
    const env = { TSJAIL_PROFILE_PATH: `${a}:relative:${b}` };
    expect(profileDirs(env, '/h')).toEqual([a, b, '/h/.config/tsjail', '/etc/tsjail', expect.stringMatching(/\/profiles$/)]);
    expect(profileFor('one', env, dir)).toBe(join(a, 'one.ini'));
    expect(profileFor('two', env, dir)).toBe(join(b, 'two.ini'));
    expect(profileFor('three', env, dir)).toBeNull();
    expect(profileFor('default', env, dir)).toBeNull();
    expect(profileFor('../pa/one', env, dir)).toBeNull();
    expect(profileFor('dir', env, dir)).toBeNull();
    expect(profiledPrograms(env, dir)).toEqual(expect.arrayContaining(['one', 'two']));
    expect(profiledPrograms(env, dir)).not.toContain('default');
    expect(profiledPrograms(env, dir)).not.toContain('dir');
  });
});
