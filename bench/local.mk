# bench/local.mk: build rules for bench/ (included from the top Makefile.am).
