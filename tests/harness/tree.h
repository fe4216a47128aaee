/* tests/harness/tree.h: removing a test's temporary directory tree, which many tests make and
 * none should leave behind. */
#ifndef TSR_TESTS_HARNESS_TREE_H
#define TSR_TESTS_HARNESS_TREE_H

#include <stdbool.h>

/* Remove path and, if it is a directory, everything below it, as rm -rf does: links are
 * removed, never followed. True when nothing is left (also when there was nothing). */
bool tsr_test_remove_tree(const char *path);

#endif
