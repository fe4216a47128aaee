# tests/local.mk: shared test helpers and the reference images. Each folder registers its own
# tests in its local.mk (UNIT_TESTS, INTEGRATION_TESTS, SYSTEM_TESTS).
EXTRA_DIST += tests/run-test tests/reference tests/system tests/fuzz
