/** Profile images (src/profile/image.ts): for every shipped profile and
 * several callers, what a launch gets from the image is what the loader
 * gives, with the same files looked at; anything the image did not see
 * makes the launch read the profile. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecording, stopRecording } from '../../../src/cache/deps.js';
import type { OptionValues } from '../../../src/options-schema.js';
import { CONDITION_STATE_KEYS, CONDITIONS, DEFAULT_SITE_SETTINGS, evaluateCondition, FIREJAIL_CONFIG, siteSettings } from '../../../src/profile/conditions.js';
import { makeProfileImage, profileFromImage, writeProfileImages, type ImageContext } from '../../../src/profile/image.js';
import { loadProfile } from '../../../src/profile/loader.js';
import { Macros } from '../../../src/profile/macros.js';
import type { LoadedProfile } from '../../../src/profile/model.js';
import { defaultDirs, SHIPPED_DIR } from '../../../src/profile/search.js';

let root = '';
let images = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tjimage-'));
  images = join(root, 'images');
  writeProfileImages(images);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function context(home: string, uid = 1000): ImageContext {
  return { dirs: defaultDirs(home, {}), macros: new Macros({ home, uid, configHome: join(home, '.config'), firejailConfigDir: '/etc/firejail' }) };
}

/** The result and the files looked at (kind:path), while recording. */
function recorded<T>(f: () => T): [T, string[]] {
  const rec = startRecording();
  try {
    return [f(), [...rec.files.keys()].sort()];
  } finally {
    stopRecording();
  }
}

function loaded(file: string, ctx: ImageContext, cli: OptionValues = new Map()): LoadedProfile {
  let site: ReturnType<typeof siteSettings> | undefined;
  return loadProfile(file, {
    dirs: ctx.dirs,
    macros: ctx.macros,
    get site() {
      site ??= siteSettings(FIREJAIL_CONFIG);
      return site;
    },
    cliValues: cli,
    cliIgnores: [],
  });
}

const shipped = readdirSync(SHIPPED_DIR).filter((f) => f.endsWith('.ini')).sort();

describe('profile images', () => {
  it('the build makes one of every shipped profile', () => {
    expect(readdirSync(images).sort()).toEqual([...shipped.map((f) => `${f}.json`), 'listings.json'].sort());
  });

  it('give what the loader gives, for callers with other homes and uids, looking at the same files', () => {
    const homes: [string, number][] = [
      [join(root, 'home-a'), 1000], ['/root', 0], ['/home/Élodie Ünal', 4242], ['/', 65534],
    ];
    mkdirSync(join(root, 'home-a'));
    for (const f of shipped) {
      const file = join(SHIPPED_DIR, f);
      for (const [home, uid] of homes) {
        // (Each its own context: Macros remembers user-dirs.dirs.)
        const [fromImage, seenImage] = recorded(() => profileFromImage(file, context(home, uid), new Map(), images));
        const [read, seenRead] = recorded(() => loaded(file, context(home, uid)));
        expect(fromImage, `${f} for ${home}`).toStrictEqual(read);
        expect(seenImage, `${f} for ${home}`).toEqual(seenRead);
      }
    }
  });

  it('take the XDG directories from the caller\'s user-dirs.dirs', () => {
    const home = join(root, 'home-xdg');
    mkdirSync(join(home, '.config'), { recursive: true });
    writeFileSync(join(home, '.config', 'user-dirs.dirs'), 'XDG_DOWNLOAD_DIR="$HOME/dl"\nXDG_MUSIC_DIR="/srv/music"\n');
    const file = join(SHIPPED_DIR, 'firefox.ini');
    const [fromImage, seenImage] = recorded(() => profileFromImage(file, context(home), new Map(), images));
    const [read, seenRead] = recorded(() => loaded(file, context(home)));
    expect(fromImage).toStrictEqual(read);
    expect(seenImage).toEqual(seenRead);
    expect(read.directives.some((d) => d.value === `${home}/dl`)).toBe(true);
  });

  it('are not used where the loader would say what is wrong, which it then does', () => {
    const home = join(root, 'home-bad-xdg');
    mkdirSync(join(home, '.config'), { recursive: true });
    writeFileSync(join(home, '.config', 'user-dirs.dirs'), 'XDG_DOWNLOAD_DIR="dl"\n');
    const file = join(SHIPPED_DIR, 'firefox.ini');
    expect(profileFromImage(file, context(home), new Map(), images)).toBeNull();
    expect(() => loaded(file, context(home))).toThrow(/DOWNLOADS.*cannot expand/);
    // A home with a control character: its values are refused.
    expect(profileFromImage(file, context('/home/a\nb'), new Map(), images)).toBeNull();
    expect(() => loaded(file, context('/home/a\nb'))).toThrow(/control character/);
    // A relative home.
    expect(profileFromImage(file, context('home'), new Map(), images)).toBeNull();
  });

  it('are not used when a file the loader would read is there, or the command line has --ignore', () => {
    const home = join(root, 'home-local');
    mkdirSync(join(home, '.config', 'tsjail'), { recursive: true });
    const file = join(SHIPPED_DIR, 'firefox.ini');
    expect(profileFromImage(file, context(home), new Map(), images)).not.toBeNull();
    writeFileSync(join(home, '.config', 'tsjail', 'firefox.local'), '[sandbox]\nhostname = mine\n');
    expect(profileFromImage(file, context(home), new Map(), images)).toBeNull();
    expect(loaded(file, context(home)).directives.some((d) => d.value === 'mine')).toBe(true);
    rmSync(join(home, '.config', 'tsjail', 'firefox.local'));
    writeFileSync(join(home, '.config', 'tsjail', 'disable-common.local'), '');
    expect(profileFromImage(file, context(home), new Map(), images)).toBeNull();
    rmSync(join(home, '.config', 'tsjail', 'disable-common.local'));
    expect(profileFromImage(file, context(home), new Map([['ignore', ['blacklist']]]), images)).toBeNull();
    // Other profile directories (TSJAIL_PROFILE_PATH).
    const ctx = context(home);
    const dirs = { ...ctx.dirs, tsjail: ['/srv', ...ctx.dirs.tsjail] };
    expect(profileFromImage(file, { ...ctx, dirs }, new Map(), images)).toBeNull();
    // A damaged image; one of another shape.
    const damaged = join(root, 'damaged');
    mkdirSync(damaged);
    writeFileSync(join(damaged, 'firefox.ini.json'), '{"version":2,"file":');
    expect(profileFromImage(file, ctx, new Map(), damaged)).toBeNull();
    writeFileSync(join(damaged, 'firefox.ini.json'), JSON.stringify({ version: 2, file, dirs: ctx.dirs, deps: 7 }));
    expect(profileFromImage(file, ctx, new Map(), damaged)).toBeNull();
  });

  describe('of a profile of its own', () => {
    let dir = '';
    let imgs = '';
    beforeAll(() => {
      dir = join(root, 'own');
      imgs = join(root, 'own-images');
      mkdirSync(dir);
      writeFileSync(join(dir, 'app.ini'), [
        '?HAS_X11: ignore = blacklist',
        '[filesystem]',
        'blacklist = ${HOME}/.secret',
        'read-only = ${RUNUSER}/x',
        'whitelist = ${DOWNLOADS}',
        'blacklist = ${PATH}/app-helper',
        '?HAS_NET: mkdir = ${HOME}/.app-net',
        '',
      ].join('\n'));
      writeFileSync(join(dir, 'ignores-a-path.ini'), '[filesystem]\nignore = blacklist /etc/x\nblacklist = ${HOME}/y\n');
      writeFileSync(join(dir, 'tilde.ini'), '[filesystem]\nblacklist = ~/.t\nblacklist = ~\nwhitelist = ${DOWNLOADS}/x\n');
      // Read by the build (root), not by everyone.
      writeFileSync(join(dir, 'secret.ini'), '[filesystem]\nblacklist = /etc/secret\n', { mode: 0o600 });
      writeFileSync(join(dir, 'reads-a-secret.ini'), 'include = secret.ini\n');
      // Files looked for through /run/user/UID and an XDG directory.
      writeFileSync(join(dir, 'runuser.ini'), 'include = ${RUNUSER}/app.local\n[filesystem]\nblacklist = /a\n');
      writeFileSync(join(dir, 'xdg.ini'), 'include = ${DOWNLOADS}/app.local\n[filesystem]\nblacklist = /a\n');
      writeProfileImages(imgs, dir);
    });

    it('with ~: the home put in as ${HOME} is, whatever it holds', () => {
      const file = join(dir, 'tilde.ini');
      for (const home of ['/home/u', '/tmp/h${PATH}', '/tmp/h${NOPE}', '/tmp/h${', '/h/']) {
        const img = profileFromImage(file, context(home), new Map(), imgs, dir);
        expect(img, home).toStrictEqual(loaded(file, context(home)));
      }
      expect(loaded(file, context('/tmp/h${PATH}')).directives.map((d) => d.value)).toContain('/tmp/h${PATH}/.t');
    });

    it('with a condition on the command line\'s options: used only without them', () => {
      const file = join(dir, 'app.ini');
      const ctx = context('/home/u');
      for (const cli of [new Map(), new Map([['hostname', 'h']])] as OptionValues[]) {
        expect(profileFromImage(file, ctx, cli, imgs, dir)).toStrictEqual(loaded(file, context('/home/u'), cli));
      }
      expect(profileFromImage(file, ctx, new Map([['x11', 'xorg']]), imgs, dir)).toBeNull();
      expect(profileFromImage(file, ctx, new Map([['net', 'eth0']]), imgs, dir)).toBeNull();
      // Elsewhere than the directory given as shipped.
      expect(profileFromImage(file, ctx, new Map(), imgs, '/srv')).toBeNull();
    });

    it('not used once a file it read has changed', () => {
      const file = join(dir, 'app.ini');
      const ctx = context('/home/u');
      expect(profileFromImage(file, ctx, new Map(), imgs, dir)).not.toBeNull();
      utimesSync(file, new Date(0), new Date(1000));
      expect(profileFromImage(file, ctx, new Map(), imgs, dir)).toBeNull();
    });

    it('none of a profile whose ignore line names a path (it might match a home only a caller has), that reads a file not everyone may, or that looks for files through /run/user/UID or an XDG directory', () => {
      for (const f of ['ignores-a-path.ini', 'reads-a-secret.ini', 'runuser.ini', 'xdg.ini']) {
        expect(makeProfileImage(join(dir, f)), f).toBeNull();
      }
      expect(readdirSync(imgs).sort()).toEqual(['app.ini.json', 'listings.json', 'tilde.ini.json']);
    });
  });
});

describe('profile images of generated profiles', () => {
  it('give what the loader gives whenever they are used (a fixed seed: 40 profiles, 5 homes, 3 command lines)', () => {
    const dir = join(root, 'generated');
    const imgs = join(root, 'generated-images');
    mkdirSync(join(dir, 'inc'), { recursive: true });
    let seed = 0x2545f491;
    const rnd = (n: number) => {
      seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const pick = <T>(a: readonly T[]): T => a[rnd(a.length)] as T;
    const values = ['${HOME}/.x', '~/.y', '~', '${PATH}/z', '${PATH}/py*', '/etc/a', '${DOWNLOADS}', '${DOWNLOADS}/d',
      '${RUNUSER}/r', '/usr/share/q*', '${HOME}/a${RUNUSER}', '/srv/${PATH}'];
    const names = ['blacklist', 'noblacklist', 'read-only', 'noexec', 'whitelist', 'mkdir'];
    const conditions = ['', '', '', '?HAS_X11: ', '?HAS_NET: ', '?BROWSER_ALLOW_DRM: ', '?BROWSER_DISABLE_U2F: '];
    const ignores = ['noexec', 'blacklist ${HOME}', 'whitelist', 'mkdir ~'];
    const lines = (n: number, withIncludes: boolean) => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) {
        const c = pick(conditions);
        const r = rnd(10);
        if (r === 0) out.push(`${c}ignore = ${pick(ignores)}`);
        else if (r === 1 && withIncludes) out.push(`include = inc/i${rnd(4)}.ini`);
        else out.push(`${c}${pick(names)} = ${pick(values)}`);
      }
      return `[filesystem]\n${out.join('\n')}\n`;
    };
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, 'inc', `i${i}.ini`), lines(6, false));
    for (let i = 0; i < 40; i++) writeFileSync(join(dir, `p${i}.ini`), lines(12, true));
    expect(writeProfileImages(imgs, dir)).toBeGreaterThan(25);
    const homes = ['/home/u', '/', '/h/ x', '/tmp/h${PATH}', join(root, 'home-xdg')];
    const clis: OptionValues[] = [new Map(), new Map([['x11', 'xorg']]), new Map([['hostname', 'h']])];
    let used = 0;
    for (let i = 0; i < 40; i++) {
      const file = join(dir, `p${i}.ini`);
      for (const home of homes) {
        for (const cli of clis) {
          const [img, seenImg] = recorded(() => profileFromImage(file, context(home), cli, imgs, dir));
          if (img === null) continue;
          used++;
          const [read, seenRead] = recorded(() => loaded(file, context(home), cli));
          expect(img, `${file} for ${home}`).toStrictEqual(read);
          expect(seenImg, `${file} for ${home}`).toEqual(seenRead);
        }
      }
    }
    expect(used).toBeGreaterThan(300);
  });
});

describe('CONDITION_STATE_KEYS', () => {
  it('are every option a condition looks at', () => {
    const read = new Set<string>();
    // Every option unset, then every one set (a condition may look at one
    // only when another is set).
    for (const value of [undefined, 'x']) {
      const state = new Proxy(new Map(), {
        get(target, p, receiver) {
          if (p === 'get' || p === 'has') return (k: string) => { read.add(k); return p === 'has' ? value !== undefined : value; };
          return Reflect.get(target, p, receiver) as unknown;
        },
      }) as OptionValues;
      for (const c of CONDITIONS) evaluateCondition(c, state, DEFAULT_SITE_SETTINGS);
    }
    expect([...read].sort()).toEqual([...CONDITION_STATE_KEYS].sort());
  });
});
