/* tests/harness/threads.h: checking that every thread of a sandboxed program is filtered.
 *
 * A seccomp filter and no_new_privs apply to the thread that sets them and to threads it
 * creates afterwards; a thread started earlier (a library's worker) would run unfiltered.
 * Tests of programs that enter their sandbox (the console, the viewer) look at each thread in
 * /proc/PID/task. */
#ifndef TSR_TESTS_HARNESS_THREADS_H
#define TSR_TESTS_HARNESS_THREADS_H

#include <sys/types.h>

/* Fails the test unless every thread of pid is under a seccomp filter (mode 2) with
 * no_new_privs; returns how many threads there are. */
int tsr_test_threads_filtered(pid_t pid);

#endif
