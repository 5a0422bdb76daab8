/** Profiles end to end: the built tsjail picks, reads and reports profiles,
 * the plan shows what they set, and real sandboxes run under them. */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireInstalled, ROOT, tsjail } from '../helpers.js';

const SHIPPED = join(ROOT, 'profiles');

let dir: string;
let home: string;
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
/** A clean HOME, so ~/.config/tsjail is the test's. */
const run = (args: string[], env: Record<string, string> = {}) => tsjail(args, { env: { HOME: home, ...env } });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tjtest-profile-'));
  home = join(dir, 'home');
  mkdirSync(home);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('profiles, end to end', () => {
  it('runs with --noprofile, with the default profile and with curl\'s profile', () => {
    expect(run(['--noprofile', '--', 'true']).status).toBe(0);
    const dflt = run(['--debug', '--', 'true']);
    expect(dflt.status, dflt.stderr).toBe(0);
    // Tests run as root: server.ini.
    expect(dflt.stderr).toContain(`profile: ${join(SHIPPED, 'server.ini')} (no profile for true: the server profile (root))`);
    requireInstalled('curl', 'curl');
    const curl = run(['--debug', 'curl', '--version']);
    expect(curl.status, curl.stderr).toBe(0);
    expect(curl.stdout).toMatch(/^curl \d/);
    expect(curl.stderr).toContain(`profile: ${join(SHIPPED, 'curl.ini')} (the profile of curl)`);
  });

  it('--print-plan shows what the profile set, and its files with their mtimes', () => {
    const inc = file('inc-env.ini', '[environment]\nenv = FROM_INCLUDE=1\n');
    const p = file('plan.ini', `include = ${inc}\n[sandbox]\nhostname = fromprofile\n[environment]\nenv = FROM_PROFILE=yes\n`);
    const r = run([`--profile=${p}`, '--print-plan', '--', 'true']);
    expect(r.status, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.hostname).toBe('fromprofile');
    expect(plan.env).toEqual(expect.arrayContaining(['FROM_PROFILE=yes', 'FROM_INCLUDE=1']));
    expect(plan.sources).toEqual([
      { path: p, mtimeNs: statSync(p, { bigint: true }).mtimeNs.toString() },
      { path: inc, mtimeNs: statSync(inc, { bigint: true }).mtimeNs.toString() },
    ]);
    // The command line wins.
    const cli = JSON.parse(run([`--profile=${p}`, '--hostname=fromcli', '--rmenv=FROM_PROFILE', '--print-plan', '--', 'true']).stdout);
    expect(cli.hostname).toBe('fromcli');
    expect(cli.env).not.toContain('FROM_PROFILE=yes');
    // --ignore drops a directive of the profile.
    expect(JSON.parse(run([`--profile=${p}`, '--ignore=hostname', '--print-plan', '--', 'true']).stdout).hostname).toBeNull();
  });

  it('sets the hostname from a profile inside a real sandbox', () => {
    const p = file('host.profile', '# firejail syntax\nhostname profilebox\n');
    const r = run([`--profile=${p}`, '--', 'hostname']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('profilebox');
    expect(run([`--profile=${p}`, '--hostname=clibox', '--', 'hostname']).stdout.trim()).toBe('clibox');
  });

  it('takes the user\'s ~/.config/tsjail profile before the shipped one', () => {
    mkdirSync(join(home, '.config', 'tsjail'), { recursive: true });
    writeFileSync(join(home, '.config', 'tsjail', 'hostname.ini'), '[sandbox]\nhostname = mine\n');
    writeFileSync(join(home, '.config', 'tsjail', 'hostname.local'), '[environment]\nenv = LOCAL=1\n');
    const r = run(['--', 'sh', '-c', 'hostname']);
    expect(r.stdout.trim()).not.toBe('mine');
    const h = run(['--', 'hostname']);
    expect(h.status, h.stderr).toBe(0);
    expect(h.stdout.trim()).toBe('mine');
    const plan = JSON.parse(run(['--print-plan', '--', 'hostname']).stdout);
    expect(plan.env).toContain('LOCAL=1');
    expect(plan.sources.map((s: { path: string }) => s.path)).toEqual([
      join(home, '.config', 'tsjail', 'hostname.ini'), join(home, '.config', 'tsjail', 'hostname.local'),
    ]);
    rmSync(join(home, '.config'), { recursive: true });
  });

  it('refuses a bad profile with one line naming file:line, exit 1, and runs nothing', () => {
    const marker = join(dir, 'ran');
    const cases: [string, string, RegExp][] = [
      ['unknown.ini', '[filesystem]\nblacklist = /x\nno-such-thing = 1\n', /:3: unknown directive 'no-such-thing'$/],
      ['value.profile', 'hostname bad name\n', /:1: hostname: 'bad name' is not a valid hostname/],
      ['loop.ini', `include = ${join(dir, 'loop.ini')}\n`, /:1: include loop: /],
      ['missing.profile', '\ninclude /no/such/file.inc\n', /:2: include '\/no\/such\/file\.inc': not found/],
      ['macro.ini', '[filesystem]\nwhitelist = ${NOWHERE}/x\n', /:2: unknown macro \$\{NOWHERE\}$/],
    ];
    for (const [name, text, re] of cases) {
      const p = file(name, text);
      const r = run([`--profile=${p}`, '--', 'touch', marker]);
      expect(r.status, name).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines, name).toHaveLength(1);
      expect(lines[0], name).toMatch(new RegExp(`^tsjail: ${p.replace(/\./g, '\\.')}:\\d+: `));
      expect(lines[0], name).toMatch(re);
      expect(existsSync(marker), name).toBe(false);
    }
  });

  it('refuses a profile it cannot find, and --profile with --noprofile', () => {
    const r = run(['--profile=no-such-profile', '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^tsjail: profile 'no-such-profile' not found/);
    expect(run(['--profile=curl', '--noprofile', '--', 'true']).status).toBe(1);
  });

  it('--debug reports each directive that is not enforced yet once', () => {
    const p = file('ne.ini', '[filesystem]\nprivate-lib = a\nprivate-lib = b\n[network]\nnetns = x\n[security]\nnonewprivs\n');
    const r = run(['--debug', `--profile=${p}`, '--', 'true']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.includes('not enforced yet:'));
    expect(lines).toEqual([
      `tsjail: debug: profile: not enforced yet: private-lib (2 lines, first at ${p}:2)`,
      `tsjail: debug: profile: not enforced yet: netns (1 line, first at ${p}:5)`,
    ]);
    expect(run([`--profile=${p}`, '--', 'true']).stderr).toBe('');
  });

  it('--profile-check lists every directive with file:line and whether it is enforced', () => {
    const empty = file('empty.inc', '# nothing\n');
    const p = file('check.profile', `include ${empty}\nhostname box\nnetns x\ncaps.drop all\n?HAS_X11: nosound\nignore quiet\nquiet\n`);
    const r = run([`--profile-check=${p}`]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`  ${p}:2: hostname box: enforced (--hostname)\n`);
    expect(r.stdout).toContain(`  ${p}:3: netns x: not enforced yet\n`);
    expect(r.stdout).toContain(`  ${p}:4: caps.drop all: enforced (--caps.drop)\n`);
    expect(r.stdout).toMatch(/skipped \(condition false\):\n.*:5: \?HAS_X11: nosound/);
    expect(r.stdout).toMatch(/ignored:\n.*:7: quiet: by 'ignore quiet'/);
    expect(r.stdout).toMatch(/summary: 2 files, 3 directives: 2 enforced \(2 by an option, 0 always\), 1 not enforced yet, 1 ignored, 1 skipped/);
    const bad = run([`--profile-check=${file('bad.profile', 'nonsense\n')}`]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/bad\.profile:1: unknown directive 'nonsense'/);
  });

  it('reads firejail\'s own profiles: --profile=/etc/firejail/firefox.profile', () => {
    requireInstalled('/etc/firejail/firefox.profile', 'firejail-profiles');
    const r = run(['--profile=/etc/firejail/firefox.profile', '--print-plan', '--', 'true']);
    expect(r.status, r.stderr).toBe(0);
    const paths = JSON.parse(r.stdout).sources.map((s: { path: string }) => s.path);
    expect(paths).toEqual(expect.arrayContaining(['/etc/firejail/firefox.profile', '/etc/firejail/firefox-common.profile', '/etc/firejail/disable-common.inc']));
  });

  it('--profile-convert prints an INI profile that tsjail reads back to the same directives', () => {
    requireInstalled('/etc/firejail/curl.profile', 'firejail-profiles');
    const conv = run(['--profile-convert=/etc/firejail/curl.profile']);
    expect(conv.status, conv.stderr).toBe(0);
    expect(conv.stdout).toMatch(/^; tsjail profile converted from \/etc\/firejail\/curl\.profile/);
    expect(conv.stdout).toContain('\n[filesystem]\n');
    const ini = file('curl-converted.ini', conv.stdout);
    const listing = (p: string) => run([`--profile-check=${p}`]).stdout.split('\n')
      .filter((l) => /^ {2}\/.*: (enforced|not enforced)/.test(l))
      .map((l) => l.replace(/^ {2}\S+:\d+: /, '')).sort();
    expect(listing(ini)).toEqual(listing('/etc/firejail/curl.profile'));
  });

  it('the shipped profiles\' blacklist patterns are enforced: ${PATH}/python3* keeps python3 from running under firefox\'s', () => {
    requireInstalled('python3', 'python3');
    const r = run(['--profile=firefox', 'sh', '-c', '/usr/bin/python3 -c 0 2>/dev/null; echo "python3 $?"; ls /usr/lib/python3* >/dev/null 2>&1; echo "ls $?"']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('python3 126\nls 2\n');
    expect(run(['--noprofile', '/usr/bin/python3', '-c', '0']).status).toBe(0);
  });

  it('runs python3, node, sh, bash and vim under their shipped profiles', () => {
    const progs: [string, string[], string, string][] = [
      ['python3', ['-c', 'print(1)'], '1', 'python3'],
      ['node', ['-e', 'console.log(2)'], '2', 'nodejs'],
      ['sh', ['-c', 'echo 3'], '3', 'dash'],
      ['bash', ['-c', 'echo 4'], '4', 'bash'],
      ['vim', ['--version'], 'VIM - Vi IMproved', 'vim'],
    ];
    for (const [prog, args, out, pkg] of progs) {
      requireInstalled(prog, pkg);
      const r = run(['--debug', prog, ...args]);
      expect(r.status, `${prog}: ${r.stderr}`).toBe(0);
      expect(r.stdout, prog).toContain(out);
      expect(r.stderr, prog).toContain(`profile: ${join(SHIPPED, `${prog}.ini`)} (the profile of ${prog})`);
    }
  });
});
