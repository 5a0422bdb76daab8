import { describe, expect, it } from 'vitest';
import { cString, observe, splitArgs, traceCalls } from '../../../src/build/trace.js';

const TRACE = String.raw`100 execve("/usr/bin/sh", ["sh", "-c", "cat ~/.profile"], 0x7ffd /* 9 vars */) = 0
100 openat(AT_FDCWD</home/u>, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3</etc/ld.so.cache>
100 openat(AT_FDCWD</home/u>, "/usr/share/locale/locale.alias", O_RDONLY|O_CLOEXEC) = 3</etc/locale.alias>
100 newfstatat(1</dev/pts/3>, "", {st_mode=S_IFCHR|0620, ...}, AT_EMPTY_PATH) = 0
100 newfstatat(3</etc/ld.so.cache>, "", {st_mode=S_IFREG|0644, ...}, AT_EMPTY_PATH) = 0
100 openat(AT_FDCWD</home/u>, "/nonexistent", O_RDONLY) = -1 ENOENT (No such file or directory)
100 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD, child_tidptr=0x7f) = 101
101 chdir("/srv/w") = 0
101 openat(AT_FDCWD</srv/w>, "new, \"odd\"\tname", O_WRONLY|O_CREAT|O_TRUNC, 0666 <unfinished ...>
100 wait4(-1,  <unfinished ...>
101 <... openat resumed>) = 4</srv/w/new, \"odd\"\tname\76>
101 openat(4</srv/w>, "sub/../f", O_RDONLY) = 5</srv/w/f>
101 stat("rel", {st_mode=S_IFREG|0644, ...}) = 0
101 socket(AF_INET6, SOCK_STREAM, IPPROTO_IP) = 6<socket:[1]>
101 socket(AF_LOCAL, SOCK_STREAM|SOCK_CLOEXEC, 0) = 7<socket:[2]>
101 connect(7<socket:[2]>, {sa_family=AF_UNIX, sun_path="/run/user/1000/bus"}, 110) = 0
101 connect(7<socket:[2]>, {sa_family=AF_UNIX, sun_path=@"/tmp/.X11-unix/X0"}, 20) = 0
101 execve("/usr/bin/cat", ["cat"], 0x55 /* 9 vars */) = 0
101 mkdir("/home/u/.config/app", 0700) = 0
101 exit_group(0) = ?
100 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 101
`;

describe('reading a trace', () => {
  it('decodes strace\'s strings', () => {
    expect(cString('"a\\tb\\n\\"c\\\\\\303\\251"')).toBe('a\tb\n"c\\é');
    expect(cString('"cut"...')).toBeNull();
    expect(cString('0x7f')).toBeNull();
  });

  it('splits arguments, keeping strings, structures and -y paths whole', () => {
    expect(splitArgs('AT_FDCWD</a,b>, "x, y", {a=1, b=[2, 3]}, 0')).toEqual(['AT_FDCWD</a,b>', '"x, y"', '{a=1, b=[2, 3]}', '0']);
  });

  it('joins an unfinished call with its resumption', () => {
    const calls = traceCalls(TRACE);
    const open = calls.find((c) => c.pid === 101 && c.name === 'openat');
    expect(open?.ret).toBe('4</srv/w/new, \\"odd\\"\\tname\\76>');
    expect(calls.find((c) => c.name === 'wait4')?.ret).toBe('101');
  });

  it('collects what the program reached, changed, ran and connected to', () => {
    const o = observe(TRACE, '/home/u');
    expect([...o.files].sort()).toEqual([
      '/etc/ld.so.cache', '/etc/locale.alias', '/home/u/.config/app', '/srv/w', '/srv/w/f', '/srv/w/new, "odd"\tname',
      '/srv/w/new, "odd"\tname>', '/srv/w/rel',
      '/usr/bin/cat', '/usr/bin/sh', '/usr/share/locale/locale.alias',
    ]);
    expect([...o.written].sort()).toEqual(['/home/u/.config/app', '/srv/w/new, "odd"\tname']);
    expect(o.execs).toEqual(['/usr/bin/sh', '/usr/bin/cat']);
    expect([...o.families].sort()).toEqual(['AF_INET6', 'AF_UNIX']);
    expect([...o.connects]).toEqual(['/run/user/1000/bus']);
    expect(o.syscalls.has('wait4')).toBe(true);
    expect(o.syscalls.size).toBe(11);
  });
});
