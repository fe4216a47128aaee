/* tests/harness/cases.h: one GTest case per row of a table of cases.
 *
 * Table-driven tests (each bad message, each broken policy file, each reference image) register
 * every row under a path made of the table's prefix and the row's name, with the row as the
 * test's data. The loop that does it is the same for every table, so it is written once. */
#ifndef TSR_TESTS_HARNESS_CASES_H
#define TSR_TESTS_HARNESS_CASES_H

#include <glib.h>

/* For each element of the array cases (a struct with a const char *name), add
 * fn(&cases[i]) as the test PREFIX/NAME. prefix has no trailing '/'. */
#define TSR_TEST_ADD_CASES(prefix, cases, fn)                                                      \
	for (size_t tsr_case_ = 0; tsr_case_ < G_N_ELEMENTS(cases); tsr_case_++) {                 \
		g_autofree char *tsr_path_ =                                                       \
			g_strdup_printf("%s/%s", (prefix), (cases)[tsr_case_].name);               \
		g_test_add_data_func(tsr_path_, &(cases)[tsr_case_], (fn));                        \
	}

#endif
