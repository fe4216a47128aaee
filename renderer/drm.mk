# renderer/drm.mk: the DRM/KMS output and the VT (included from the top Makefile.am).
