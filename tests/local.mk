# tests/local.mk: shared test helpers and the reference images. Each folder registers its own
# tests in its local.mk (UNIT_TESTS, INTEGRATION_TESTS, SYSTEM_TESTS).
EXTRA_DIST += tests/run-test tests/reference tests/system tests/fuzz
# TAP results for the shell tests; one GTest case per row of a table (header only).
EXTRA_DIST += tests/harness/tap.sh tests/harness/cases.h

# tools/ has no build of its own: its scripts' tests are registered here.
INTEGRATION_TESTS += tests/integration/tools-check-test.sh
EXTRA_DIST += tests/integration/tools-check-test.sh
