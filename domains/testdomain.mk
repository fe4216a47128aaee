# domains/testdomain.mk: tessera-testdomain, the SPICE test domain (included from the top Makefile.am).
