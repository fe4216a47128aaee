/* common/vt.c: the kiosk's VT in KD_GRAPHICS with the keyboard off (see vt.h for why). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kd.h>
#include <linux/vt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "common/log.h"
#include "common/vt.h"

G_DEFINE_QUARK(tsr-vt-error-quark, tsr_vt_error)

struct tsr_vt {
	int fd;
	int number;
	int prev_active; /* VT in front before us */
	int saved_kbmode;
	int saved_kdmode;
};

static bool parse_spec(const char *spec, int *number)
{
	if (spec == NULL || strcmp(spec, "auto") == 0) {
		*number = 0;
		return true;
	}
	const char *digits = strncmp(spec, "/dev/tty", 8) == 0 ? spec + 8 : spec;
	char *end;
	errno = 0;
	long n = strtol(digits, &end, 10);
	if (errno || end == digits || *end || n < 1 || n > MAX_NR_CONSOLES)
		return false;
	*number = (int)n;
	return true;
}

static bool fail(GError **error, const char *what, int number)
{
	int e = errno;
	g_set_error(error, TSR_VT_ERROR, TSR_VT_ERROR_IO,
		    "VT %d: %s: %s%s", number, what, g_strerror(e),
		    e == EPERM || e == EACCES ? " (needs root)" : "");
	return false;
}

struct tsr_vt *tsr_vt_open(const char *spec, GError **error)
{
	int number;
	if (!parse_spec(spec, &number)) {
		g_set_error(error, TSR_VT_ERROR, TSR_VT_ERROR_INVALID,
			    "bad VT '%s': use auto, a number 1..%d or /dev/ttyN", spec,
			    MAX_NR_CONSOLES);
		return NULL;
	}
	int tty0 = open("/dev/tty0", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty0 < 0) {
		g_set_error(error, TSR_VT_ERROR, TSR_VT_ERROR_IO,
			    "cannot open /dev/tty0 (no virtual terminals?): %s", g_strerror(errno));
		return NULL;
	}
	struct vt_stat st;
	if (ioctl(tty0, VT_GETSTATE, &st) < 0) {
		fail(error, "VT_GETSTATE on /dev/tty0", number);
		close(tty0);
		return NULL;
	}
	if (number == 0 && (ioctl(tty0, VT_OPENQRY, &number) < 0 || number < 1)) {
		g_set_error(error, TSR_VT_ERROR, TSR_VT_ERROR_IO,
			    "no free VT (VT_OPENQRY): %s", g_strerror(errno));
		close(tty0);
		return NULL;
	}
	close(tty0);

	struct tsr_vt *vt = g_new0(struct tsr_vt, 1);
	vt->number = number;
	vt->prev_active = st.v_active;
	vt->saved_kbmode = -1;
	vt->saved_kdmode = -1;
	char path[32];
	snprintf(path, sizeof path, "/dev/tty%d", number);
	vt->fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (vt->fd < 0) {
		fail(error, "open", number);
		g_free(vt);
		return NULL;
	}
	int kb, kd;
	if (ioctl(vt->fd, KDGKBMODE, &kb) < 0 || ioctl(vt->fd, KDGETMODE, &kd) < 0) {
		fail(error, "reading keyboard/display mode (not a VT?)", number);
		goto undo;
	}
	if (number != st.v_active &&
	    (ioctl(vt->fd, VT_ACTIVATE, number) < 0 || ioctl(vt->fd, VT_WAITACTIVE, number) < 0)) {
		fail(error, "switching to it", number);
		goto undo;
	}
	/* Keys typed before we took over must not be read by anyone later. */
	tcflush(vt->fd, TCIFLUSH);
	if (ioctl(vt->fd, KDSKBMODE, K_OFF) < 0) {
		fail(error, "keyboard off (KDSKBMODE K_OFF)", number);
		goto undo;
	}
	vt->saved_kbmode = kb;
	if (ioctl(vt->fd, KDSETMODE, KD_GRAPHICS) < 0) {
		fail(error, "graphics mode (KDSETMODE KD_GRAPHICS)", number);
		goto undo;
	}
	vt->saved_kdmode = kd;
	tsr_info("vt: on VT %d in graphics mode, keyboard off", number);
	return vt;
undo:
	tsr_vt_destroy(vt);
	return NULL;
}

int tsr_vt_number(const struct tsr_vt *vt)
{
	return vt->number;
}

void tsr_vt_destroy(struct tsr_vt *vt)
{
	if (vt == NULL)
		return;
	if (vt->saved_kdmode >= 0 && ioctl(vt->fd, KDSETMODE, vt->saved_kdmode) < 0)
		tsr_warn("VT %d: restoring the display mode: %s", vt->number, g_strerror(errno));
	if (vt->saved_kbmode >= 0) {
		tcflush(vt->fd, TCIFLUSH);
		if (ioctl(vt->fd, KDSKBMODE, vt->saved_kbmode) < 0)
			tsr_warn("VT %d: restoring the keyboard mode: %s", vt->number,
				 g_strerror(errno));
	}
	if (vt->prev_active > 0 && vt->prev_active != vt->number &&
	    ioctl(vt->fd, VT_ACTIVATE, vt->prev_active) < 0)
		tsr_warn("VT %d: switching back to VT %d: %s", vt->number, vt->prev_active,
			 g_strerror(errno));
	close(vt->fd);
	g_free(vt);
}
