/* tests/hostile/hostile-kiosk-sandbox-test.c: a compromised kiosk inside the kiosk's real box.
 *
 * The kiosk's allowlist refuses fcntl F_SETOWN/F_SETSIG and O_ASYNC, so it cannot have SIGIO
 * delivered to another process of its uid; ioctl offers the same by another door (FIOSETOWN
 * or SIOCSPGRP, then FIOASYNC on a socket), and the network ioctls on sockets besides. Here a
 * child drops to uid 65534 as the broker starts the kiosk, starts a target process of the same
 * uid, enters the box with kiosk/sandbox.c (linked in: the production allowlist, not a copy),
 * and plays the attacker. One TAP result per attack:
 *   - ioctl-fiosetown-fioasync-signals-same-uid-process: FIOSETOWN(target) + FIOASYNC on a
 *     socket, then a write to raise SIGIO: both ioctls refused, the target gets no signal;
 *   - ioctl-siocspgrp-on-socket: the socket flavour of FIOSETOWN, refused;
 *   - ioctl-network-request-on-socket: SIOCGIFCONF (list the interfaces), refused.
 * Each also checks that the ioctls the kiosk needs are still allowed (FIONREAD).
 *
 * Needs root (to drop to 65534), as CI runs it. */
#include "config.h"
#include "kiosk/sandbox.h"

#include <errno.h>
#include <glib.h>
#include <grp.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define KIOSK_UID 65534

enum attack { SIGNAL_TRICK, SIOCSPGRP_ONLY, NETWORK };

/* Exit codes of the attacker: what the kernel let it do. */
#define REFUSED 0
#define ALLOWED 1
#define SETUP_FAILED 2
#define NEEDED_REFUSED 3

static int attack_in_box(enum attack what, pid_t target)
{
	int sv[2], one = 1, n = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return SETUP_FAILED;
	if (!tsr_kiosk_sandbox_enter(false))
		return SETUP_FAILED;
	if (ioctl(sv[0], FIONREAD, &n) < 0)
		return NEEDED_REFUSED;
	switch (what) {
	case SIGNAL_TRICK: {
		int owner = (int)target;
		int a = ioctl(sv[0], FIOSETOWN, &owner);
		int b = ioctl(sv[0], FIOASYNC, &one);
		/* Data arriving on sv[0] raises SIGIO at its owner. */
		if (write(sv[1], "x", 1) != 1)
			return SETUP_FAILED;
		return a == 0 || b == 0 ? ALLOWED : REFUSED;
	}
	case SIOCSPGRP_ONLY: {
		int owner = (int)target;
		return ioctl(sv[0], SIOCSPGRP, &owner) == 0 ? ALLOWED : REFUSED;
	}
	case NETWORK: {
		int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		struct ifconf ifc = { 0 };
		char buf[1024];
		/* No new sockets in the box: use the unix one if AF_INET is refused too. */
		ifc.ifc_len = sizeof(buf);
		ifc.ifc_buf = buf;
		return ioctl(s >= 0 ? s : sv[0], SIOCGIFCONF, &ifc) == 0 ? ALLOWED : REFUSED;
	}
	}
	return SETUP_FAILED;
}

/* A child that drops to the kiosk's uid: the target (pause) or the attacker. */
static pid_t as_kiosk_uid(void)
{
	pid_t pid = fork();

	g_assert_cmpint(pid, >=, 0);
	if (pid == 0 &&
	    (setgroups(0, NULL) < 0 || setgid(KIOSK_UID) < 0 || setuid(KIOSK_UID) < 0))
		_exit(SETUP_FAILED);
	return pid;
}

static void run_attack(enum attack what)
{
	int status = 0;
	pid_t attacker, target;

	if (getuid() != 0) {
		g_test_skip("the kiosk runs as its own user: dropping to 65534 needs root");
		return;
	}
	/* The target: another process of the kiosk's uid (a helper it forked earlier, or anything
	 * else of that uid). SIGIO's default action would end it. */
	target = as_kiosk_uid();
	if (target == 0) {
		for (;;)
			pause();
	}
	attacker = as_kiosk_uid();
	if (attacker == 0) {
		int rc = attack_in_box(what, target);
		g_usleep(200000); /* a SIGIO would have arrived by now */
		_exit(rc);
	}
	g_assert_cmpint(waitpid(attacker, &status, 0), ==, attacker);
	/* The target still runs: no SIGIO (or anything else) reached it. */
	int tstatus = 0;
	pid_t gone = waitpid(target, &tstatus, WNOHANG);
	kill(target, SIGKILL);
	if (gone == 0)
		g_assert_cmpint(waitpid(target, &tstatus, 0), ==, target);
	g_test_message("attacker exit %d; target %s by signal %d", WEXITSTATUS(status),
		       gone == 0 ? "alive, then killed" : "ended", WTERMSIG(tstatus));
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), !=, SETUP_FAILED);
	g_assert_cmpint(WEXITSTATUS(status), !=, NEEDED_REFUSED);
	g_assert_cmpint(gone, ==, 0);
	g_assert_cmpint(WEXITSTATUS(status), ==, REFUSED);
}

static void test_signal_trick(void)
{
	run_attack(SIGNAL_TRICK);
}

static void test_siocspgrp(void)
{
	run_attack(SIOCSPGRP_ONLY);
}

static void test_network(void)
{
	run_attack(NETWORK);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hostile-kiosk/ioctl-fiosetown-fioasync-signals-same-uid-process",
			test_signal_trick);
	g_test_add_func("/hostile-kiosk/ioctl-siocspgrp-on-socket", test_siocspgrp);
	g_test_add_func("/hostile-kiosk/ioctl-network-request-on-socket", test_network);
	return g_test_run();
}
