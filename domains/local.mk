# domains/local.mk: build rules for domains/ (included from the top Makefile.am).
