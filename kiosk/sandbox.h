/* kiosk/sandbox.h: everything tessera-kiosk may do in broker mode, set up in one place.
 *
 * The kiosk handles untrusted input from viewers (trust boundary 3) and from the console, so
 * once its output, scene and input are up — and before it reads the first broker message or
 * viewer frame — it enters common's sequence: no_new_privs, not dumpable, rlimits, and its own
 * seccomp allowlist loaded into every thread. Its ids stay what the broker gave it (the kiosk
 * user, no device group: every device is lent). What the allowlist leaves out is what a
 * compromised kiosk would want: new sockets (it cannot connect anywhere or listen), fork and
 * exec, ptrace, executable memory, opening files for writing (except PNGs into
 * --screenshot-dir, tests and the demo), signals to other processes, fcntl F_SETOWN/F_SETSIG and
 * O_ASYNC (nor their ioctl twins FIOSETOWN, SIOCSPGRP, FIOASYNC). It keeps what it needs: I/O
 * and ioctls by type on the fds it holds (DRM KMS on the lent card, EVIOCGRAB and reads on lent
 * evdev fds), mapping viewer and console memfds (never executable),
 * GLib's worker threads, and reading files (xkb keymaps when policy changes the layout, fonts).
 * Denied calls fail with EACCES. doc/sandbox.md lists each entry. */
#ifndef TSR_KIOSK_SANDBOX_H
#define TSR_KIOSK_SANDBOX_H

#include <stdbool.h>

/* First thing in broker mode, before any option is parsed or fd used: undumpable (the exec
 * made it dumpable again, and until the box is entered it would be open to ptrace and to
 * /proc/PID/mem from anything else running as the kiosk user), and refuse a tracer that attached
 * in the instant before. false = reported; the kiosk must exit. */
bool tsr_kiosk_sandbox_first(void) __attribute__((warn_unused_result));

/* Enter the box. writes_files: allow creating and renaming files (--screenshot-dir). false =
 * failed (reported); the kiosk must exit. */
bool tsr_kiosk_sandbox_enter(bool writes_files) __attribute__((warn_unused_result));

#endif
