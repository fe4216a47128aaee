# doc/local.mk: documentation and man pages.
EXTRA_DIST += doc
