/* kiosk/broker-mode.h: tessera-kiosk as the broker's session program.
 *
 * The broker starts the kiosk with its end of a SOCK_SEQPACKET link on a fd (--broker-fd 3).
 * In this mode the kiosk owns the output and the input devices, runs the session state machine
 * (kiosk/session.h) and its screens (kiosk/screens.h), shows the domains the broker hands it
 * viewer links for (kiosk/displays.h), routes every key and pointer event through
 * input/router.h, and, when policy turns it on, mirrors the desktop to the tessera-console the
 * broker started and handed over, and takes its input under policy's console rights. It starts locked and exits when the broker link
 * breaks (the broker then restarts it, locked again). */
#ifndef TSR_KIOSK_BROKER_MODE_H
#define TSR_KIOSK_BROKER_MODE_H

#include <stdbool.h>

struct tsr_kiosk_broker_options {
	int broker_fd;                /* the link; owned from the call on */
	const char *output;           /* output spec (renderer/output.h); NULL: "drm" */
	int evdev;                    /* grab evdev devices: 1 yes, 0 no, -1 only on a drm output */
	const char *screenshot_dir;   /* headless: a PNG of each screen the kiosk passes through */
	const char *clock_text;       /* a fixed clock (tests); NULL: the local time */
	const char *organization;     /* NULL: from the installed policy, else "Tessera" */
	const char *state_dir;        /* where the installed policy is; NULL: the default */
};

/* Run until the broker link breaks (returns 1) or SIGTERM/SIGINT (returns 0). Setup failures
 * return 1 with an error logged. */
int tsr_kiosk_broker_run(const struct tsr_kiosk_broker_options *options);

#endif
