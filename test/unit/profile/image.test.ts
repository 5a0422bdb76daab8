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
        expect(fromImage, `${f} for ${home}`).toEqual(read);
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
    expect(fromImage).toEqual(read);
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
    // A damaged image; an image of another profile.
    const damaged = join(root, 'damaged');
    mkdirSync(damaged);
    writeFileSync(join(damaged, 'firefox.ini.json'), '{"version":2,"file":');
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
      writeProfileImages(imgs, dir);
    });

    it('with a condition on the command line\'s options: used only without them', () => {
      const file = join(dir, 'app.ini');
      const ctx = context('/home/u');
      for (const cli of [new Map(), new Map([['hostname', 'h']])] as OptionValues[]) {
        expect(profileFromImage(file, ctx, cli, imgs, dir)).toEqual(loaded(file, ctx, cli));
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

    it('none of a profile whose ignore line names a path (it might match a home only a caller has)', () => {
      expect(makeProfileImage(join(dir, 'ignores-a-path.ini'))).toBeNull();
      expect(readdirSync(imgs)).toEqual(['app.ini.json', 'listings.json']);
    });
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
