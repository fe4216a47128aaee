# kiosk/session.mk: the kiosk as the broker's session program: state machine and trusted screens.
