/** Every profile firejail ships (/etc/firejail, package firejail-profiles)
 * starts its program: `true` under each, as root and as the test user
 * through a setuid copy of the helper. One Node process per caller plans
 * them all with the planner's own main() (test/fixtures/every-profile.mjs)
 * and starts the helper on each plan, a few at a time.
 *
 * Each caller's run has a home of its own, a tmpfs in a mount namespace
 * made for it: the profiles' mkdir and mkfile (hundreds of directories)
 * land there, not in /root or the test user's real home. */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { requireInstalled, ROOT, setuidHelper, HELPER } from '../helpers.js';

const DIR = '/etc/firejail';
const WORKER = join(ROOT, 'test', 'fixtures', 'every-profile.mjs');
const user = inject('testUser');

/** Profiles that may fail to start, each with the reason; only failures
 * the program's own checks or something outside tsjail cause belong here
 * (a directive that needs hardware, say). Everything else is a bug of
 * tsjail's. With `true` as the program there is none today. */
const EXCEPTIONS: ReadonlyMap<string, string> = new Map([]);

interface Result { profile: string; ok: boolean; stage: 'plan' | 'run'; code: number; message: string }
interface Report { results: Result[]; planMs: number; runMs: number }

/** The worker in a mount namespace of its own with an empty home (a tmpfs
 * the caller owns), run as root or, through setpriv, as the user. */
function runWorker(who: 'root' | 'user', helper: string): Promise<Report> {
  const home = who === 'root' ? '/root' : user.home;
  const owner = who === 'root' ? '0:0' : `${user.uid}:${user.gid}`;
  const drop = who === 'root' ? '' : `setpriv --reuid=${user.uid} --regid=${user.gid} --clear-groups `;
  const env = `env -i PATH=/usr/bin:/bin HOME=${home} XDG_CACHE_HOME=/dev/null`;
  const script = `mount -t tmpfs -o mode=0700,uid=${owner.split(':')[0]},gid=${owner.split(':')[1]} tjtest-home ${home} && ` +
    `cd ${home} && exec ${drop}${env} ${process.execPath} ${WORKER} ${helper} ${DIR} true`;
  return new Promise((resolve, reject) => {
    const c = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('close', (code) => {
      try {
        resolve(JSON.parse(out) as Report);
      } catch {
        reject(new Error(`the ${who} worker failed (exit ${code}): ${err.slice(0, 2000)}`));
      }
    });
  });
}

describe('every firejail profile', () => {
  let suid: ReturnType<typeof setuidHelper>;
  beforeAll(() => {
    requireInstalled(`${DIR}/firefox.profile`, 'firejail-profiles');
    suid = setuidHelper();
  });
  afterAll(() => suid.dispose());

  it('starts true under each one, as root and as a user', async () => {
    const profiles = readdirSync(DIR).filter((f) => f.endsWith('.profile'));
    // Both callers at once: one core each.
    const [asRoot, asUser] = await Promise.all([runWorker('root', HELPER), runWorker('user', suid.path)]);
    const failures: string[] = [];
    const line = (who: string, r: Report) => {
      const started = r.results.filter((x) => x.ok).length;
      for (const x of r.results.filter((y) => !y.ok && !EXCEPTIONS.has(y.profile))) {
        failures.push(`${who}: ${x.profile}: ${x.stage === 'plan' ? 'plan' : `exit ${x.code}`}: ${x.message}`);
      }
      return `${who} ${started}/${r.results.length} started (plans ${r.planMs} ms, sandboxes ${r.runMs} ms)`;
    };
    const summary = `every firejail profile, ${profiles.length} in ${DIR}: ${line('root', asRoot)}; ${line('user', asUser)}; ` +
      `${EXCEPTIONS.size} exceptions`;
    console.log(summary);
    expect(asRoot.results).toHaveLength(profiles.length);
    expect(asUser.results).toHaveLength(profiles.length);
    expect(failures, summary).toEqual([]);
  }, 600_000);
});
