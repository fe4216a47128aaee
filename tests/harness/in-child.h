/* tests/harness/in-child.h: running a test step in a forked child, for tests whose step changes
 * the process for good (drops ids, loads a seccomp filter) and so cannot run in the test itself. */
#ifndef TSR_TESTS_HARNESS_IN_CHILD_H
#define TSR_TESTS_HARNESS_IN_CHILD_H

/* Run fn in a forked child and return its exit status; the test fails if the child does not
 * exit normally (a signal, a crash). */
int tsr_test_in_child(int (*fn)(void));

#endif
