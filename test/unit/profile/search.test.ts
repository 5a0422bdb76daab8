import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findProfile, findProfileByName, formatOf, selectProfile } from '../../../src/profile/search.js';
import { tree, type Tree } from './fixtures.js';

describe('profile search', () => {
  let t: Tree;
  beforeEach(() => {
    t = tree();
  });
  afterEach(() => t.dispose());

  it('searches ~/.config/tsjail, /etc/tsjail, the shipped profiles, then firejail\'s', () => {
    t.write({ 'shipped/app.ini': '', 'fjsystem/app.profile': '', 'fjsystem/other.profile': '', 'fjuser/other.profile': '' });
    expect(findProfileByName('app', t.dirs)).toBe(t.path('shipped/app.ini'));
    t.write({ 'system/app.ini': '' });
    expect(findProfileByName('app', t.dirs)).toBe(t.path('system/app.ini'));
    t.write({ 'user/app.ini': '' });
    expect(findProfileByName('app', t.dirs)).toBe(t.path('user/app.ini'));
    expect(findProfileByName('other', t.dirs)).toBe(t.path('fjuser/other.profile'));
    expect(findProfileByName('other.profile', t.dirs)).toBe(t.path('fjuser/other.profile'));
    expect(findProfileByName('app.ini', t.dirs)).toBe(t.path('user/app.ini'));
    expect(findProfileByName('none', t.dirs)).toBeNull();
    expect(findProfileByName('../x', t.dirs)).toBeNull();
  });

  it('takes --profile as a file when it has a / or names a file here', () => {
    t.write({ 'here/mine.ini': '', 'shipped/mine.ini': '' });
    expect(findProfile(t.path('here/mine.ini'), '/', t.dirs)).toBe(t.path('here/mine.ini'));
    expect(findProfile('./mine.ini', t.path('here'), t.dirs)).toBe(t.path('here/mine.ini'));
    expect(findProfile('mine.ini', t.path('here'), t.dirs)).toBe(t.path('here/mine.ini'));
    expect(findProfile('mine', t.path('here'), t.dirs)).toBe(t.path('shipped/mine.ini'));
    expect(findProfile('/no/such.ini', '/', t.dirs)).toBeNull();
  });

  it('picks the program\'s profile, else default (users) or server (root)', () => {
    t.write({ 'shipped/curl.ini': '', 'shipped/default.ini': '', 'shipped/server.ini': '' });
    expect(selectProfile(['/usr/bin/curl', '-V'], 1000, t.dirs).file).toBe(t.path('shipped/curl.ini'));
    expect(selectProfile(['ls'], 1000, t.dirs)).toMatchObject({ file: t.path('shipped/default.ini') });
    expect(selectProfile(['ls'], 0, t.dirs)).toMatchObject({ file: t.path('shipped/server.ini'), why: expect.stringMatching(/server profile \(root\)/) });
    expect(selectProfile([], 1000, t.dirs).file).toBe(t.path('shipped/default.ini'));
  });

  it('tells the formats apart', () => {
    expect(formatOf('/a.ini', null, '')).toBe('ini');
    expect(formatOf('/a.profile', 'ini', '')).toBe('firejail');
    expect(formatOf('/a.inc', null, '')).toBe('firejail');
    expect(formatOf('/a.local', 'ini', 'hostname x')).toBe('ini');
    expect(formatOf('/a', null, '# c\n[sandbox]\n')).toBe('ini');
    expect(formatOf('/a', null, '; c\nhostname = x\n')).toBe('ini');
    expect(formatOf('/a', null, 'env A=B\n')).toBe('firejail');
  });
});
