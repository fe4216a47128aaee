# renderer/local.mk: build rules for renderer/ (included from the top Makefile.am).
