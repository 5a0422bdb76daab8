// Generates, from native/plan.def (the one table of the plan's wire format),
// what the other languages and the docs need of it:
//   src/wire/plan-def.ts      the TypeScript constants (tags, bits, kinds, names, bounds)
//   native/fuzz/plan_def.py   the same for the fuzz corpus (make-corpus.py)
//   native/fuzz/plan.dict     the record tags of the fuzz dictionary (between markers)
//   native/PLAN.md            the tables of records, mount kinds and flags (between markers)
// and then runs native/fuzz/make-corpus.py (the seeds, from plan_def.py).
// The C helper reads plan.def itself (native/wire.h).
//
//   node scripts/gen-wire.mjs           write them
//   node scripts/gen-wire.mjs --check   change nothing; list what differs, exit 1 if anything does
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const DEF = 'native/plan.def';
const check = process.argv.includes('--check');

// ---- reading plan.def ----------------------------------------------------

/** The arguments of X(...) at depth 0, as text. */
function splitArgs(s) {
  const out = [];
  let depth = 0, cur = '', str = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (str) {
      cur += c;
      if (c === '\\') cur += s[++i];
      else if (c === '"') str = false;
      continue;
    }
    if (c === '"') str = true;
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

/** The X(...) calls of a list's body. */
function calls(body) {
  const out = [];
  for (let i = body.indexOf('X('); i >= 0; i = body.indexOf('X(', i)) {
    let depth = 0, j = i + 1, str = false;
    for (; j < body.length; j++) {
      const c = body[j];
      if (str) {
        if (c === '\\') j++;
        else if (c === '"') str = false;
      } else if (c === '"') str = true;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) break;
    }
    out.push(splitArgs(body.slice(i + 2, j)));
    i = j;
  }
  return out;
}

function parseDef(text) {
  const src = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/\\\n/g, ' ');
  const consts = new Map();
  const lists = new Map();
  for (const line of src.split('\n')) {
    const list = /^#define\s+(TSJ_[A-Z0-9_]+)\(X\)\s+(.*)$/.exec(line);
    if (list) {
      lists.set(list[1], calls(list[2]));
      continue;
    }
    const def = /^#define\s+(TSJ_[A-Z0-9_]+)\s+(.+)$/.exec(line);
    if (def) consts.set(def[1], def[2].trim());
  }
  return { consts, lists };
}

const text = readFileSync(`${root}${DEF}`, 'utf8');
const { consts, lists } = parseDef(text);

function fail(msg) {
  process.stderr.write(`gen-wire: ${DEF}: ${msg}\n`);
  process.exit(1);
}

/** A C string literal (or adjacent ones) as text. */
function str(arg) {
  const parts = arg.match(/"(?:[^"\\]|\\.)*"/g);
  if (parts === null || parts.join(' ').replace(/"(?:[^"\\]|\\.)*"/g, '').trim() !== '') fail(`not a string: ${arg}`);
  return parts.map((p) => p.slice(1, -1).replace(/\\(.)/g, '$1')).join('');
}

/** Names a number may use: the constants, then the bits of every list. */
const names = new Map();
function value(expr, what = expr) {
  const js = expr
    .replace(/\b(0x[0-9a-fA-F]+|[0-9]+)(?:ULL|ull|UL|ul|U|u|LL|ll|L|l)?\b/g, '$1n')
    .replace(/\bTSJ_[A-Z0-9_]+\b/g, (n) => {
      if (names.has(n)) return `${names.get(n)}n`;
      if (consts.has(n)) return `${value(consts.get(n), n)}n`;
      fail(`${what}: unknown name ${n}`);
    });
  if (!/^[0-9xa-fA-Fn\s+\-*/()|<>]*$/.test(js)) fail(`${what}: not a number: ${expr}`);
  const v = Function(`"use strict"; return (${js});`)();
  if (typeof v !== 'bigint' || v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${what}: out of range: ${expr}`);
  return Number(v);
}

function list(name) {
  const l = lists.get(name);
  if (l === undefined) fail(`no list ${name}`);
  return l;
}

// Bits: X(NAME, bit, key, "name", "note", ...)
const BIT_LISTS = ['TSJ_NS_BITS', 'TSJ_FLAG_BITS', 'TSJ_SECCOMP_BITS', 'TSJ_PRIV_BITS', 'TSJ_MOUNT_FLAGS', 'TSJ_ROOT_FLAGS'];
const bits = new Map();
for (const ln of BIT_LISTS) {
  const seen = new Set();
  bits.set(ln, list(ln).map((a) => {
    if (a.length < 5) fail(`${ln}: X(NAME, bit, key, "name", "note")`);
    const bit = value(a[1], a[0]);
    if (bit > 31 || seen.has(bit)) fail(`${ln}: ${a[0]}: bit ${bit} taken or above 31`);
    seen.add(bit);
    names.set(a[0], 2 ** bit);
    return { cname: a[0], mask: 2 ** bit, key: a[2], name: str(a[3]), note: str(a[4]) };
  }));
}

/** A list of values that runs from `from` with no gap. */
function values(ln, from) {
  return list(ln).map((a, i) => {
    const v = value(a[1], a[0]);
    if (v !== from + i) fail(`${ln}: ${a[0]} is ${v}, not ${from + i} (no gaps)`);
    names.set(a[0], v);
    return a;
  });
}

// Mount kinds: X(NAME, value, "op", min, max, flags, mode, slash, "paths")
const kinds = values('TSJ_MOUNT_KINDS', 1).map((a) => ({
  cname: a[0], kind: value(a[1]), op: str(a[2]), min: value(a[3]), max: value(a[4]), flags: value(a[5]),
  mode: value(a[6]) !== 0, slash: value(a[7]), paths: str(a[8]),
}));
// The entries of /dev of each device class: X(flag, "name")
const mountFlag = (cname) => bits.get('TSJ_MOUNT_FLAGS').find((x) => x.cname === cname) ?? fail(`TSJ_DEV_NODES: ${cname} is not a mount flag`);
const devNodes = list('TSJ_DEV_NODES').map((a) => {
  const name = str(a[1]);
  if (!/^[a-z0-9][a-z0-9-]*\*?$/.test(name)) fail(`TSJ_DEV_NODES: "${name}" is not a name of /dev (a trailing * at most)`);
  return { flag: mountFlag(a[0]), name };
});
// Lists of paths: X("path")
const pathList = (ln) => list(ln).map((a) => {
  const p = str(a[0]);
  if (!/^(\/[a-z0-9][a-z0-9.-]*)+$/.test(p)) fail(`${ln}: "${p}" is not a plain absolute path`);
  return p;
});
const binDirs = pathList('TSJ_BIN_DIRS');
const machineIdFiles = pathList('TSJ_MACHINE_ID_FILES');
// RLIMIT which: X(NAME, value, name, resource)
const rlimits = values('TSJ_RLIMITS', 0).map((a) => ({ cname: a[0], value: value(a[1]), name: a[2] }));
// Capabilities: X(number, name)
const caps = list('TSJ_CAPS').map((a, i) => {
  if (value(a[0]) !== i) fail(`TSJ_CAPS: ${a[1]} is not number ${i}`);
  return a[1];
});

const concerns = list('TSJ_CONCERNS').map((a) => ({ name: a[0], c: str(a[1]), ts: str(a[2]) }));
const TYPES = ['U32', 'U64', 'FIXED', 'STR', 'STR0', 'PATH', 'BYTES', 'REC'];
const tagsSeen = new Map();
// Records: X(NAME, tag, concern, type, min, max, len, "value", "rule")
const records = list('TSJ_RECORDS').map((a) => {
  if (a.length !== 9) fail(`TSJ_RECORDS: ${a[0]}: X(NAME, tag, concern, type, min, max, len, "value", "rule")`);
  const r = {
    name: a[0], tag: value(a[1], a[0]), concern: a[2], type: a[3], min: value(a[4], a[0]), max: value(a[5], a[0]),
    len: value(a[6], a[0]), value: str(a[7]), rule: str(a[8]),
  };
  if (!/^[A-Z][A-Z0-9_]*$/.test(r.name)) fail(`${r.name}: not a record name`);
  if (r.tag === 0 || r.tag >= 0x100) fail(`${r.name}: tag 0x${r.tag.toString(16)} is not 0x01-0xff`);
  if (tagsSeen.has(r.tag)) fail(`${r.name}: tag 0x${r.tag.toString(16)} is ${tagsSeen.get(r.tag)}'s`);
  tagsSeen.set(r.tag, r.name);
  if (!concerns.some((c) => c.name === r.concern)) fail(`${r.name}: no concern ${r.concern} in TSJ_CONCERNS`);
  if (!TYPES.includes(r.type)) fail(`${r.name}: type ${r.type} is not one of ${TYPES.join(' ')}`);
  if (r.max < 1 || r.min > r.max) fail(`${r.name}: count ${r.min}..${r.max}`);
  if ((r.type === 'U32' && r.len !== 4) || (r.type === 'U64' && r.len !== 8)) fail(`${r.name}: ${r.type} is ${r.type === 'U32' ? 4 : 8} bytes`);
  if (['FIXED', 'BYTES', 'REC'].includes(r.type) && r.value === '') fail(`${r.name}: a ${r.type} record needs its "value" text`);
  return r;
});

const num = (name) => value(consts.get(name) ?? fail(`no constant ${name}`), name);

// ---- what each output says ----------------------------------------------

const HEAD = 'Generated from native/plan.def by scripts/gen-wire.mjs: do not edit; change the table and run `node scripts/gen-wire.mjs`.';
const hex = (n, w = 2) => `0x${n.toString(16).padStart(w, '0')}`;
const camel = (s) => s.toLowerCase().replace(/(^|_)([a-z])/g, (_, _u, c) => c.toUpperCase());
const tsName = (ln) => ln.replace(/^TSJ_/, '');
const jsStr = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function typescript() {
  const o = [`// ${HEAD}`, '// The plan\'s wire format (native/PLAN.md): tags, counts, bits, kinds and names.', ''];
  for (const [n, v] of consts) {
    const s = /^"/.test(v) ? jsStr(str(v)) : String(num(n));
    o.push(`export const ${tsName(n)} = ${s};`);
  }
  o.push('', '/** Record tags. */', 'export const TAG = {');
  for (const r of records) o.push(`  ${r.name}: ${hex(r.tag)},`);
  o.push('} as const;', 'export type RecordName = keyof typeof TAG;', '');
  o.push('/** How many of each record a plan has (min..max), and its length bound. */');
  o.push('export const RECORDS: { readonly [K in RecordName]: { readonly min: number; readonly max: number; readonly len: number } } = {');
  for (const r of records) o.push(`  ${r.name}: { min: ${r.min}, max: ${r.max}, len: ${r.len} },`);
  o.push('};');
  for (const ln of BIT_LISTS) {
    const b = bits.get(ln);
    const type = camel(tsName(ln));
    o.push('', `/** ${tsName(ln)}: the bits as the plan's booleans. */`, `export interface ${type} {`);
    for (const x of b) {
      const doc = `${x.name === x.key ? '' : x.name}${x.name !== x.key && x.note ? ': ' : ''}${x.note}`;
      if (doc !== '') o.push(`  /** ${doc} */`);
      o.push(`  readonly ${x.key}: boolean;`);
    }
    o.push('}', `export const ${tsName(ln)}: { readonly [K in keyof ${type}]: number } = {`);
    for (const x of b) o.push(`  ${x.key}: ${hex(x.mask, 1)},`);
    o.push('};', `/** In bit order. */`, `export const ${tsName(ln)}_KEYS = [${b.map((x) => jsStr(x.key)).join(', ')}] as const;`);
  }
  o.push('', '/** Mount operations: the kind byte, how many paths, the flags allowed, a mode, which paths may be "/" (bit N: path N). */');
  o.push('export const MOUNT_KINDS = {');
  for (const k of kinds) {
    o.push(`  ${jsStr(k.op)}: { kind: ${k.kind}, min: ${k.min}, max: ${k.max}, flags: ${hex(k.flags, 1)}, mode: ${k.mode}, slash: ${hex(k.slash, 1)} },`);
  }
  o.push('} as const;', 'export type MountKindName = keyof typeof MOUNT_KINDS;', '');
  o.push('/** The entries of /dev of each device class (a flag of the dev operation); a name ending in `*` stands for it followed by digits. */');
  o.push('export const DEV_NODES: readonly { readonly flag: keyof MountFlags; readonly name: string }[] = [');
  for (const d of devNodes) o.push(`  { flag: ${jsStr(d.flag.key)}, name: ${jsStr(d.name)} },`);
  o.push('];', '');
  o.push('/** private-bin: where programs are, in the order they are looked for. */');
  o.push(`export const BIN_DIRS = [${binDirs.map(jsStr).join(', ')}] as const;`, '');
  o.push('/** machine-id: the files that may get the new id. */');
  o.push(`export const MACHINE_ID_FILES = [${machineIdFiles.map(jsStr).join(', ')}] as const;`, '');
  o.push('/** RLIMIT\'s which, by number. */', `export const RLIMITS = [${rlimits.map((r) => jsStr(r.name)).join(', ')}] as const;`, '');
  o.push('/** Capabilities (capabilities(7)), by number: CAPS_KEEP\'s bits. */', 'export const CAPABILITIES = [');
  for (let i = 0; i < caps.length; i += 8) o.push(`  ${caps.slice(i, i + 8).map(jsStr).join(', ')},`);
  o.push('] as const;', '');
  return o.join('\n');
}

function python() {
  const o = [`# ${HEAD}`, '# The plan\'s wire format (native/PLAN.md), for make-corpus.py.', ''];
  for (const [n, v] of consts) o.push(`${tsName(n)} = ${/^"/.test(v) ? `'${str(v)}'` : num(n)}`);
  o.push('', '# Record tags.');
  for (const r of records) o.push(`${r.name} = ${hex(r.tag)}`);
  for (const ln of BIT_LISTS) {
    const b = bits.get(ln);
    o.push('', `# ${tsName(ln)}, and all of them.`);
    for (const x of b) o.push(`${tsName(x.cname)} = ${hex(x.mask, 1)}`);
    const prefix = tsName(b[0].cname).replace(/_.*$/, '');
    o.push(`${prefix}_ALL = ${hex(b.reduce((a, x) => a | x.mask, 0), 1)}`);
  }
  o.push('', '# Mount kinds, and the flags each allows.');
  for (const k of kinds) o.push(`${tsName(k.cname)} = ${k.kind}`);
  o.push(`MOUNT_KIND_FLAGS = {${kinds.map((k) => `${tsName(k.cname)}: ${hex(k.flags, 1)}`).join(', ')}}`);
  o.push('', '# private-bin\'s directories, machine-id\'s files.');
  o.push(`BIN_DIRS = [${binDirs.map((p) => `'${p}'`).join(', ')}]`);
  o.push(`MACHINE_ID_FILES = [${machineIdFiles.map((p) => `'${p}'`).join(', ')}]`);
  o.push('', '# RLIMIT which.');
  for (const r of rlimits) o.push(`${tsName(r.cname)} = ${r.value}`);
  o.push('', `CAPABILITIES = [${caps.map((c) => `'${c}'`).join(', ')}]`, '');
  return o.join('\n');
}

function dictTags() {
  return records.map((r) => `tag_${r.name.toLowerCase()}="\\x${r.tag.toString(16).padStart(2, '0')}\\x00"`);
}

/** "1 pid, 2 mount, ..." */
function listText(ln) {
  if (bits.has(ln)) return bits.get(ln).map((x) => `${x.mask} ${x.name}`).join(', ');
  if (ln === 'TSJ_RLIMITS') return rlimits.map((r) => `${r.value} ${r.name}`).join(', ');
  fail(`{${ln}}: not a list of bits or names`);
}

const kib = (n) => (n >= 1024 && n % 1024 === 0 ? `${n / 1024} KiB` : String(n));
function valueText(r) {
  if (r.value !== '') return r.value;
  if (r.type === 'U32') return 'u32';
  if (r.type === 'U64') return 'u64';
  if (r.type === 'PATH') return 'path';
  return `str (<= ${kib(r.len)})`;
}

function recordTable(concernNames) {
  const rows = records.filter((r) => concernNames.includes(r.concern));
  if (rows.length === 0) fail(`no records of ${concernNames.join(' ')}`);
  return [
    '| tag  | name | value | count | rule |',
    '|-----:|------|-------|-------|------|',
    ...rows.map((r) => `| ${hex(r.tag)} | ${r.name} | ${valueText(r)} | ${r.min === r.max ? r.min : `${r.min}..${r.max}`} | ${r.rule.replace(/\{(TSJ_[A-Z_]+)\}/g, (_, ln) => listText(ln))} |`),
  ];
}

const flagNames = (mask) => bits.get('TSJ_MOUNT_FLAGS').filter((x) => mask & x.mask).map((x) => x.name).join(', ') || 'none';
const bitLine = (ln) => bits.get(ln).map((x) => `${x.mask} ${x.name}${x.note ? ` (${x.note})` : ''}`).join(', ');

function planMdBlock(what) {
  const [kind, ...args] = what.split(/\s+/);
  if (kind === 'records') return recordTable(args);
  if (kind === 'mount-kinds') {
    return [
      '| kind | name | paths | flags allowed |',
      '|-----:|------|-------|---------------|',
      ...kinds.map((k) => `| ${k.kind} | ${k.op} | ${k.paths} | ${flagNames(k.flags)}${k.mode ? '; a mode' : ''} |`),
    ];
  }
  if (kind === 'bits') return [`Flag bits: ${bitLine(args[0])}.`];
  if (kind === 'dev-nodes') {
    return [
      '| flag | entries of /dev |',
      '|------|-----------------|',
      ...bits.get('TSJ_MOUNT_FLAGS').filter((f) => devNodes.some((d) => d.flag === f))
        .map((f) => `| ${f.name} | ${devNodes.filter((d) => d.flag === f).map((d) => `\`${d.name.replace(/\*$/, 'N')}\``).join(', ')} |`),
    ];
  }
  if (kind === 'paths') return [pathList(args[0]).map((p) => `\`${p}\``).join(', ')];
  fail(`PLAN.md: unknown block "${what}"`);
}

/** Replaces what stands between each `start(WHAT)` line and the `end` line
 * after it with block(WHAT). */
function fill(file, content, start, end, block) {
  const lines = content.split('\n');
  const out = [];
  let found = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = start.exec(lines[i]);
    out.push(lines[i]);
    if (!m) continue;
    found++;
    const j = lines.findIndex((l, k) => k > i && end.test(l));
    if (j < 0) fail(`${file}: no end marker after line ${i + 1}`);
    out.push(...block(m[1]), lines[j]);
    i = j;
  }
  if (found === 0) fail(`${file}: no generated block (markers) found`);
  return out.join('\n');
}

const outputs = [
  ['src/wire/plan-def.ts', () => typescript()],
  ['native/fuzz/plan_def.py', () => python()],
  ['native/fuzz/plan.dict', (old) => fill('plan.dict', old, /^# <plan\.def: (record tags)>$/, /^# <\/plan\.def>$/, () => dictTags())],
  ['native/PLAN.md', (old) => fill('PLAN.md', old, /^<!-- plan\.def: (.+) -->$/, /^<!-- end of plan\.def -->$/, planMdBlock)],
];

let differ = 0;
for (const [file, make] of outputs) {
  const path = `${root}${file}`;
  let old = '';
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    // made below
  }
  const now = make(old);
  if (now === old) continue;
  differ++;
  if (check) process.stdout.write(`${file} differs from what ${DEF} says: run node scripts/gen-wire.mjs\n`);
  else {
    writeFileSync(path, now);
    process.stdout.write(`wrote ${file}\n`);
  }
}
if (check && differ > 0) process.exit(1);
// The fuzz corpus is built from plan_def.py (its seeds reach every bit):
// refreshed with the rest when python3 is there (--check leaves it).
if (!check) {
  const r = spawnSync('python3', [`${root}native/fuzz/make-corpus.py`], { encoding: 'utf8' });
  if (r.error !== undefined) process.stdout.write('no python3: run python3 native/fuzz/make-corpus.py to refresh the fuzz corpus\n');
  else process.stdout.write(r.stdout + r.stderr);
}
