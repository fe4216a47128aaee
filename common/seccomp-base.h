/* common/seccomp-base.h: the calls every sandboxed GLib program needs, as seccomp rules.
 *
 * The viewer, the console and the kiosk all run a GLib main loop with worker threads on fds
 * they were given; that much of their allowlists is the same, so it is written once here and
 * each program's table (its sandbox.c) starts with TSR_SECCOMP_BASE_GLIB and adds its own
 * calls. doc/sandbox.md lists the base and what each program adds. Nothing in the base opens,
 * creates or connects anything, runs code from writable memory, forks, or signals another
 * process. */
#ifndef TSR_COMMON_SECCOMP_BASE_H
#define TSR_COMMON_SECCOMP_BASE_H

#include "common/seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>

/* I/O on fds already held (links, sockets the spawner connected, memfds, stderr). */
#define TSR_SECCOMP_HELD_FDS \
	TSR_SC_ALLOW(read), TSR_SC_ALLOW(write), TSR_SC_ALLOW(readv), TSR_SC_ALLOW(writev), \
	TSR_SC_ALLOW(pread64), TSR_SC_ALLOW(pwrite64), TSR_SC_ALLOW(recvmsg), \
	TSR_SC_ALLOW(sendmsg), TSR_SC_ALLOW(recvfrom), TSR_SC_ALLOW(sendto), TSR_SC_ALLOW(close), \
	TSR_SC_ALLOW(lseek), TSR_SC_ALLOW(fstat), TSR_SC_ALLOW(dup), TSR_SC_ALLOW(shutdown), \
	TSR_SC_ALLOW(getsockopt), TSR_SC_ALLOW(getsockname), TSR_SC_ALLOW(getpeername)

/* fcntl, command by command: fd flags, non-blocking mode (never O_ASYNC), reading a memfd's
 * seals. F_SETOWN, F_SETSIG and F_SETOWN_EX are refused: with O_ASYNC they would signal any
 * process of the program's uid. */
#define TSR_SECCOMP_FCNTL \
	TSR_SC_ALLOW_EQ(fcntl, 1, F_GETFD), TSR_SC_ALLOW_EQ(fcntl, 1, F_SETFD), \
	TSR_SC_ALLOW_EQ(fcntl, 1, F_GETFL), \
	TSR_SC_ALLOW_EQ_NONE_OF(fcntl, 1, F_SETFL, 2, O_ASYNC), \
	TSR_SC_ALLOW_EQ(fcntl, 1, F_GET_SEALS)

/* Waiting: GLib's main loop, its wakeup eventfd or pipe, timers, futexes. */
#define TSR_SECCOMP_WAIT \
	TSR_SC_ALLOW(poll), TSR_SC_ALLOW(ppoll), TSR_SC_ALLOW(select), TSR_SC_ALLOW(pselect6), \
	TSR_SC_ALLOW(epoll_create1), TSR_SC_ALLOW(epoll_ctl), TSR_SC_ALLOW(epoll_wait), \
	TSR_SC_ALLOW(epoll_pwait), TSR_SC_ALLOW(eventfd2), TSR_SC_ALLOW(pipe2), \
	TSR_SC_ALLOW(timerfd_create), TSR_SC_ALLOW(timerfd_settime), \
	TSR_SC_ALLOW(timerfd_gettime), TSR_SC_ALLOW(futex), TSR_SC_ALLOW(nanosleep), \
	TSR_SC_ALLOW(clock_nanosleep), TSR_SC_ALLOW(sched_yield)

/* Memory, including memfds that carry pixels; never executable (as OpenSSH's sandbox): no
 * code an attacker smuggled in can be made to run. */
#define TSR_SECCOMP_MEMORY \
	TSR_SC_ALLOW(brk), TSR_SC_ALLOW_NONE_OF(mmap, 2, PROT_EXEC), TSR_SC_ALLOW(munmap), \
	TSR_SC_ALLOW(mremap), TSR_SC_ALLOW_NONE_OF(mprotect, 2, PROT_EXEC), \
	TSR_SC_ALLOW(madvise), TSR_SC_ALLOW(memfd_create), TSR_SC_ALLOW(ftruncate)

/* Threads only (a clone without CLONE_THREAD would be a fork; clone3 fails with ENOSYS so
 * glibc falls back to clone), signals only to our own threads (abort, GLib), thread names
 * (GLib names its threads; no other prctl), getrlimit through prlimit64(0, res, NULL, old). */
#define TSR_SECCOMP_THREADS \
	TSR_SC_ALLOW_ALL_OF(clone, 0, CLONE_THREAD), TSR_SC_FAIL(clone3, ENOSYS), \
	TSR_SC_ALLOW_SELF(tgkill, 0), \
	TSR_SC_ALLOW(set_robust_list), TSR_SC_ALLOW(get_robust_list), TSR_SC_ALLOW(rseq), \
	TSR_SC_ALLOW(set_tid_address), TSR_SC_ALLOW(rt_sigaction), TSR_SC_ALLOW(rt_sigprocmask), \
	TSR_SC_ALLOW(restart_syscall), TSR_SC_ALLOW(rt_sigreturn), TSR_SC_ALLOW(sigaltstack), \
	TSR_SC_ALLOW(sched_getaffinity), \
	TSR_SC_ALLOW(exit), TSR_SC_ALLOW(exit_group), TSR_SC_ALLOW(getpid), TSR_SC_ALLOW(gettid), \
	TSR_SC_ALLOW(getppid), \
	TSR_SC_ALLOW_EQ(prctl, 0, PR_SET_NAME), TSR_SC_ALLOW_EQ(prctl, 0, PR_GET_NAME), \
	TSR_SC_ALLOW_EQ(prlimit64, 2, 0)

/* Harmless queries: clocks, randomness, our own ids and limits. */
#define TSR_SECCOMP_QUERIES \
	TSR_SC_ALLOW(clock_gettime), TSR_SC_ALLOW(clock_getres), TSR_SC_ALLOW(gettimeofday), \
	TSR_SC_ALLOW(time), TSR_SC_ALLOW(getrandom), TSR_SC_ALLOW(uname), TSR_SC_ALLOW(getuid), \
	TSR_SC_ALLOW(geteuid), TSR_SC_ALLOW(getgid), TSR_SC_ALLOW(getegid), \
	TSR_SC_ALLOW(getresuid), TSR_SC_ALLOW(getresgid), TSR_SC_ALLOW(getgroups), \
	TSR_SC_ALLOW(getrlimit), TSR_SC_ALLOW(sysinfo), TSR_SC_ALLOW(getcpu)

/* The whole base, to start a program's table with. */
#define TSR_SECCOMP_BASE_GLIB \
	TSR_SECCOMP_HELD_FDS, TSR_SECCOMP_FCNTL, TSR_SECCOMP_WAIT, TSR_SECCOMP_MEMORY, \
	TSR_SECCOMP_THREADS, TSR_SECCOMP_QUERIES

#endif
