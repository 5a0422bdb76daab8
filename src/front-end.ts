/** What the native front end (native/front/) tells the full path it
 * starts, through variables it sets; taken out of the environment before
 * anything else reads it, so that none reaches the sandbox or the plan:
 *
 *  - TSJAIL_HANDBACK=FD: a pipe to hand the launch back through instead of
 *    executing it here (src/handback.ts, native/front/fback.c);
 *  - TSJAIL_HOST="mdwe=0|1 libseccomp=V:BUILD-ID": facts of the host the
 *    planner would otherwise need koffi for (native/front/fhost.c);
 *  - TSJAIL_NODE_EXTRA_CA_CERTS: the caller's NODE_EXTRA_CA_CERTS, kept
 *    from Node's start-up (where it costs the parsing of a bundle of
 *    certificates the planner never uses) and put back here.
 *
 * Started as a Node script (bin/tsjail.js), tsjail has none of them and
 * finds out for itself. */
import { fstatSync } from 'node:fs';

export interface FrontEndFacts {
  /** The hand-back pipe, or null: exec here. */
  readonly handback: number | null;
  /** Whether prctl(PR_GET_MDWE) works; null: not told. */
  readonly mdwe: boolean | null;
  /** The libseccomp the dynamic loader picks, "V:BUILD-ID"; null: not told,
   * or there is none it could name. */
  readonly libseccomp: string | null;
}

let facts: FrontEndFacts = { handback: null, mdwe: null, libseccomp: null };

/** Reads and removes the variables (once, at start). */
export function takeFrontEndFacts(env: Record<string, string | undefined>): FrontEndFacts {
  const fd = env['TSJAIL_HANDBACK'];
  const host = env['TSJAIL_HOST'];
  const ca = env['TSJAIL_NODE_EXTRA_CA_CERTS'];
  delete env['TSJAIL_HANDBACK'];
  delete env['TSJAIL_HOST'];
  delete env['TSJAIL_NODE_EXTRA_CA_CERTS'];
  if (ca !== undefined) env['NODE_EXTRA_CA_CERTS'] = ca;
  const values = new Map((host ?? '').split(' ').map((kv) => {
    const eq = kv.indexOf('=');
    return [kv.slice(0, eq), kv.slice(eq + 1)] as const;
  }));
  const mdwe = values.get('mdwe');
  const lib = values.get('libseccomp');
  facts = {
    handback: fd !== undefined && /^[0-9]+$/.test(fd) && isPipe(Number(fd)) ? Number(fd) : null,
    mdwe: mdwe === '1' ? true : mdwe === '0' ? false : null,
    libseccomp: lib !== undefined && lib !== '-' && lib !== '' ? lib : null,
  };
  return facts;
}

function isPipe(fd: number): boolean {
  try {
    return fstatSync(fd).isFIFO();
  } catch {
    return false;
  }
}

export function frontEndFacts(): FrontEndFacts {
  return facts;
}

/** For the build (scripts/bundle.mjs), which precompiles filters as a
 * launch through the front end would ask for them. */
export function setFrontEndFacts(f: FrontEndFacts): void {
  facts = f;
}
