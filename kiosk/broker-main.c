/* kiosk/broker-main.c: the options of tessera-kiosk in broker mode (started by tessera-brokerd
 * with --broker-fd), kept apart from kiosk/main.c so that main stays a thin switch between the
 * standalone and the broker mode. */
#include "config.h"
#include "common/log.h"
#include "kiosk/broker-mode.h"
#include "kiosk/broker-main.h"
#include "kiosk/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

bool tsr_kiosk_broker_requested(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--broker-fd") == 0 || strncmp(argv[i], "--broker-fd=", 12) == 0)
			return true;
	return false;
}

int tsr_kiosk_broker_main(int argc, char **argv)
{
	gint broker_fd = -1;
	g_autofree char *output = NULL, *shots = NULL;
	g_autofree char *clock_text = NULL, *organization = NULL, *state_dir = NULL;
	gboolean evdev = FALSE, no_evdev = FALSE;
	GOptionEntry entries[] = {
		{ "broker-fd", 0, 0, G_OPTION_ARG_INT, &broker_fd,
		  "The broker link (a SOCK_SEQPACKET socket the broker made; it passes 3)", "FD" },
		{ "output", 0, 0, G_OPTION_ARG_STRING, &output,
		  "Output: drm (every connector of the card the broker lends, the default), "
		  "drm:CONNECTOR (that one), or headless:WxH[@RATE][,headless:WxH...]",
		  "SPEC" },
		{ "evdev", 0, 0, G_OPTION_ARG_NONE, &evdev,
		  "Grab the evdev input devices the broker lends (the default with a drm output)",
		  NULL },
		{ "no-evdev", 0, 0, G_OPTION_ARG_NONE, &no_evdev,
		  "Leave the input devices alone (the default with a headless output)", NULL },
		{ "screenshot-dir", 0, 0, G_OPTION_ARG_FILENAME, &shots,
		  "Headless output: save NN-SCREEN.png here for each screen shown", "DIR" },
		{ "clock", 0, 0, G_OPTION_ARG_STRING, &clock_text,
		  "Show this fixed text as the clock (tests)", "TEXT" },
		{ "organization", 0, 0, G_OPTION_ARG_STRING, &organization,
		  "Organization name on the login screen (default: the installed policy's)", "NAME" },
		{ "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir,
		  "Where the installed policy is (default /var/lib/tessera)", "DIR" },
		{ NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- the Tessera kiosk in broker mode (started by tessera-brokerd)");
	g_autoptr(GError) error = NULL;
	int type = 0;
	socklen_t len = sizeof(type);

	if (!tsr_kiosk_sandbox_first())
		return 1;
	setlocale(LC_ALL, "");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_description(ctx,
		"The broker starts the kiosk with its end of the kiosk link as fd 3 and restarts it,\n"
		"locked, whenever it exits. See doc/user-guide.md and doc/admin-guide.md.");
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		fprintf(stderr, "tessera-kiosk: %s (see --help)\n", error->message);
		return 2;
	}
	if (argc > 1) {
		fprintf(stderr, "tessera-kiosk: unexpected argument '%s' (see --help)\n", argv[1]);
		return 2;
	}
	if (broker_fd < 3) {
		fprintf(stderr, "tessera-kiosk: --broker-fd is required (3 or more): the broker "
				"starts the kiosk; see --help\n");
		return 2;
	}
	if (getsockopt(broker_fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_SEQPACKET) {
		fprintf(stderr, "tessera-kiosk: --broker-fd %d is not a SOCK_SEQPACKET socket (%s)\n",
			broker_fd, errno ? g_strerror(errno) : "wrong type");
		return 2;
	}
	fcntl(broker_fd, F_SETFD, FD_CLOEXEC);
	if (evdev && no_evdev) {
		fprintf(stderr, "tessera-kiosk: --evdev and --no-evdev contradict each other\n");
		return 2;
	}
	struct tsr_kiosk_broker_options o = {
		.broker_fd = broker_fd, .output = output, .evdev = evdev ? 1 : no_evdev ? 0 : -1,
		.screenshot_dir = shots, .clock_text = clock_text, .organization = organization,
		.state_dir = state_dir,
	};
	return tsr_kiosk_broker_run(&o);
}
