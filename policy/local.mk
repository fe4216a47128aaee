# policy/local.mk: build rules for policy/ (included from the top Makefile.am).
