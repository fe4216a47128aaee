# renderer/console.mk: tessera-console, the sandboxed SPICE console of the kiosk (included from the top Makefile.am).
