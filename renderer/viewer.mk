# renderer/viewer.mk: tessera-viewer, its sandbox and spawner, and the kiosk side of the viewer protocol.
