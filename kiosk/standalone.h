/* kiosk/standalone.h: the kiosk without the broker, for tests and benchmarks.
 *
 * `tessera-kiosk --output headless:WxH --domain NAME:COLOR:SOCKET ...` shows the given domains
 * (each through its own sandboxed viewer, spawned here with viewer-spawn) on one output. It
 * prints one line per event on stdout for tests to wait on (the clipboard's lines are in
 * kiosk/standalone-clipboard.h):
 *   surface NAME WxH            a new surface from NAME's viewer
 *   ready NAME                  NAME's first frame is shown and its viewer takes input
 *   geometry NAME X Y W H       where NAME's pixels are on the output (after each change)
 *   lost NAME REASON            NAME's display was lost
 *   attached NAME PID           a (new) viewer for NAME is running
 *   screenshot PATH             written (on SIGUSR1, or at exit with --screenshot)
 * Lost displays are reattached after --reattach-ms. */
#ifndef TSR_KIOSK_STANDALONE_H
#define TSR_KIOSK_STANDALONE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define TSR_STANDALONE_MAX_DOMAINS 4

struct tsr_standalone_options {
	const char *output;              /* e.g. "headless:1280x720" */
	const char *domains[TSR_STANDALONE_MAX_DOMAINS]; /* NAME:COLOR:SOCKET */
	int ndomains;
	const char *layout;              /* "single" or "tiled", NULL = tiled with >1 domain */
	const char *screenshot;          /* written at exit, and on SIGUSR1 */
	long exit_after_frames;          /* frames after every domain showed a surface; 0 = run */
	const char *viewer;              /* viewer binary, NULL = installed one */
	const char *viewer_for[TSR_STANDALONE_MAX_DOMAINS]; /* NAME=PATH: another one (tests) */
	int nviewer_for;
	uid_t viewer_uid;                /* ids the viewers run as (root only) */
	gid_t viewer_gid;
	long reattach_ms;                /* < 0: never */
	/* dom0's clipboard (kiosk/standalone-clipboard.h), on when either is given */
	const char *clipboard_allow;     /* [clipboard] allow, e.g. "a -> b; * -> c" */
	const char *clipboard_commands;  /* FIFO of copy/paste/lock/unlock/logout lines */
	uint32_t clipboard_max_bytes;    /* 0: policy's default */
};

/* Runs until a signal or exit_after_frames. Returns the process exit status. */
int tsr_kiosk_standalone_run(const struct tsr_standalone_options *opts);

#endif
