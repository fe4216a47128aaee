# input/local.mk: build rules for input/ (included from the top Makefile.am).
