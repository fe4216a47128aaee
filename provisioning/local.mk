# provisioning/local.mk: build rules for provisioning/ (included from the top Makefile.am).
