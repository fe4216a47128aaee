# input/local.mk: build rules for input/ (included from the top Makefile.am).
# The interface lands first so the kiosk, console and renderer can code against it.
EXTRA_DIST += input/router.h input/hotkeys.h input/keymap.h
