# broker/local.mk: build rules for broker/ (included from the top Makefile.am).
