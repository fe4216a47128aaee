/* common/vt.h: the kiosk's own virtual terminal.
 *
 * The kiosk shows itself on a VT of its own, switched to the foreground, in KD_GRAPHICS (the
 * kernel's console does not draw over DRM) with the keyboard in K_OFF (the kernel's keyboard
 * handler delivers nothing to the tty and performs no VT switch or SysRq-less console action).
 * Input comes only through evdev, grabbed by the kiosk. Because K_OFF and KD_GRAPHICS stay set on
 * the VT when the process dies, a crashed or killed kiosk leaves no path for keystrokes to reach
 * a console, shell or getty. A clean exit (tsr_vt_destroy) restores both modes and switches back
 * to the VT that was in front before.
 *
 * VT switching away is not offered: the keyboard cannot ask for it, and the kernel ignores every
 * switch request (chvt included) while the VT is in KD_GRAPHICS in VT_AUTO mode, which also holds
 * after the kiosk died. Whoever recovers the machine by hand sets KD_TEXT first. */
#ifndef TSR_COMMON_VT_H
#define TSR_COMMON_VT_H

#include <glib.h>

struct tsr_vt;

/* Errors of tsr_vt_open: the VT's own domain, so the broker needs nothing of the renderer. */
#define TSR_VT_ERROR (tsr_vt_error_quark())
GQuark tsr_vt_error_quark(void);
enum tsr_vt_error {
	TSR_VT_ERROR_INVALID, /* a bad VT spec */
	TSR_VT_ERROR_IO,      /* the VT or an ioctl on it failed */
};

/* spec: "auto" (or NULL) for the first free VT (VT_OPENQRY), "N" or "/dev/ttyN" for VT N
 * (1..63). Opens it, makes it the foreground VT (waiting for the switch), discards input queued
 * on it, and sets KD_GRAPHICS and K_OFF. NULL + error naming the VT and the failing step
 * otherwise, with everything restored. Needs root (or CAP_SYS_TTY_CONFIG). */
struct tsr_vt *tsr_vt_open(const char *spec, GError **error) __attribute__((warn_unused_result));
/* The VT number in use (1..63). */
int tsr_vt_number(const struct tsr_vt *vt);
/* Restores the keyboard and display modes, switches back to the previous VT and closes. NULL is
 * ignored. */
void tsr_vt_destroy(struct tsr_vt *vt);

#endif
