# kiosk/local.mk: build rules for kiosk/ (included from the top Makefile.am).
