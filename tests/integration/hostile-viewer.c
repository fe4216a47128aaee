/* tests/integration/hostile-viewer.c: a stand-in for tessera-viewer that breaks the protocol.
 *
 * The kiosk spawns it (tessera-kiosk --viewer-for NAME=PATH) exactly like a viewer: link on
 * fd 3, SPICE sockets on 4.., the domain user's ids. It sends one violation (hostile-messages.h;
 * the kind follows from its pid, so successive respawns cover every kind), then waits for the
 * kiosk to cut it off (EOF on the link) and exits 0; 1 if the kiosk never does. */
#include "config.h"
#include "tests/integration/hostile-messages.h"

#include <poll.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const int link = 3;
	struct pollfd p = { .fd = link, .events = POLLIN };
	char buf[64];

	(void)argc;
	(void)argv;
	hostile_send(link, (int)(getpid() % HOSTILE_KINDS), false);
	/* Drain what the kiosk sends (nothing, normally) until it hangs up. */
	while (poll(&p, 1, 20000) == 1) {
		if (read(link, buf, sizeof(buf)) <= 0)
			return 0;
	}
	fprintf(stderr, "hostile-viewer: the kiosk did not cut me off\n");
	return 1;
}
