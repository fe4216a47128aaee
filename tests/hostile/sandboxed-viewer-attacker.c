/* tests/hostile/sandboxed-viewer-attacker.c: a compromised viewer, inside the viewer's real box.
 *
 * Started by the real spawner (viewer/spawn.c) in place of tessera-viewer, so it gets the same
 * ids, fds and exec path; then it runs the same three steps as tessera-viewer's main with the
 * same code (viewer/sandbox.c, linked in: the production allowlist, not a copy). From there it
 * plays an attacker who already controls the viewer, taking orders over the link (fd 3) and
 * answering with what the kernel let it do:
 *
 *   "signal PID"  F_SETOWN(PID) + F_SETSIG(SIGUSR1) + O_ASYNC on a pipe, then a write to raise
 *                 the signal; also F_SETOWN_EX. Reply: "setown=… setown_ex=… setsig=… async=…"
 *   "mmap-exec"   an anonymous mapping with PROT_EXEC. Reply: "mmap-exec=…"
 *   "mprotect-exec" a writable mapping turned PROT_EXEC. Reply: "mprotect-exec=…"
 *
 * Each result is ALLOWED or the errno's name (EACCES when the filter refused). */
#include "config.h"
#include "viewer/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define LINK_FD 3

static const char *result(int rc)
{
	if (rc >= 0)
		return "ALLOWED";
	return errno == EACCES ? "EACCES" : errno == EPERM ? "EPERM" : "OTHER";
}

static void reply(const char *text)
{
	if (send(LINK_FD, text, strlen(text), MSG_NOSIGNAL) < 0)
		_exit(6);
}

static void attack_signal(long pid)
{
	struct f_owner_ex owner = { .type = F_OWNER_PID, .pid = (pid_t)pid };
	char out[256];
	int p[2];
	const char *setown, *setown_ex, *setsig, *async;

	if (pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0) {
		reply("pipe=FAILED");
		return;
	}
	setown = result(fcntl(p[0], F_SETOWN, (int)pid));
	setown_ex = result(fcntl(p[0], F_SETOWN_EX, &owner));
	setsig = result(fcntl(p[0], F_SETSIG, SIGUSR1));
	async = result(fcntl(p[0], F_SETFL, O_ASYNC | O_NONBLOCK));
	/* Data on the read end is what raises the owner's signal. */
	if (write(p[1], "x", 1) != 1)
		reply("write=FAILED");
	close(p[0]);
	close(p[1]);
	snprintf(out, sizeof(out), "setown=%s setown_ex=%s setsig=%s async=%s", setown, setown_ex,
		 setsig, async);
	reply(out);
}

static void attack_mmap_exec(void)
{
	char out[64];
	void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	snprintf(out, sizeof(out), "mmap-exec=%s", result(m == MAP_FAILED ? -1 : 0));
	reply(out);
}

static void attack_mprotect_exec(void)
{
	char out[64];
	void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED) {
		reply("mmap=FAILED");
		return;
	}
	memset(m, 0xc3, 4096); /* ret: what an exploit would write there */
	snprintf(out, sizeof(out), "mprotect-exec=%s",
		 result(mprotect(m, 4096, PROT_READ | PROT_EXEC)));
	reply(out);
}

int main(void)
{
	const int keep[] = { 3, 4, 5, 6, 7 };
	char err[256], cmd[64];
	ssize_t n;

	if (tsr_viewer_sandbox_first(err, sizeof(err)) < 0 ||
	    tsr_viewer_sandbox_close_fds(keep, 5, err, sizeof(err)) < 0 ||
	    tsr_viewer_sandbox_enter(err, sizeof(err)) < 0) {
		char out[300];
		snprintf(out, sizeof(out), "sandbox-failed %s", err);
		reply(out);
		return 5;
	}
	reply("ready");
	while ((n = recv(LINK_FD, cmd, sizeof(cmd) - 1, 0)) > 0) {
		cmd[n] = '\0';
		if (strncmp(cmd, "signal ", 7) == 0)
			attack_signal(strtol(cmd + 7, NULL, 10));
		else if (strcmp(cmd, "mmap-exec") == 0)
			attack_mmap_exec();
		else if (strcmp(cmd, "mprotect-exec") == 0)
			attack_mprotect_exec();
		else
			reply("unknown");
	}
	return 0;
}
