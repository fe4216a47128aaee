/* renderer/drm/device.c: the DRM card of the drm output: finding and opening it, DRM master
 * (taken at open, dropped at close so a console or another compositor can take over), client
 * caps, and the udev monitor that tells us about connector hotplug. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <libudev.h>

#include "common/log.h"
#include "renderer/drm/private.h"

int64_t tsr_drm_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* 1: KMS card with a connected connector, 0: KMS card without, -1: not usable (errno-ish text
 * in why). */
static int card_usable(int fd, char *why, size_t why_len)
{
	uint64_t dumb = 0;
	if (drmGetCap(fd, DRM_CAP_DUMB_BUFFER, &dumb) < 0 || !dumb) {
		snprintf(why, why_len, "no dumb buffers (not a KMS display device)");
		return -1;
	}
	drmModeRes *res = drmModeGetResources(fd);
	if (res == NULL) {
		snprintf(why, why_len, "no KMS resources: %s", g_strerror(errno));
		return -1;
	}
	int connected = 0;
	for (int i = 0; i < res->count_connectors && !connected; i++) {
		drmModeConnector *c = drmModeGetConnectorCurrent(fd, res->connectors[i]);
		if (c != NULL && c->connection == DRM_MODE_CONNECTED)
			connected = 1;
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);
	return connected;
}

static int open_card(const char *path, GError **error)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "drm output: cannot open %s: %s%s", path, g_strerror(errno),
			    errno == EACCES ? " (run as root or as a member of group video)" : "");
		return -1;
	}
	char why[128];
	if (card_usable(fd, why, sizeof why) < 0) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_UNSUPPORTED,
			    "drm output: %s: %s", path, why);
		close(fd);
		return -1;
	}
	return fd;
}

static bool take_master(int fd, const char *path, GError **error)
{
	/* The first opener of a card is master already; drmSetMaster covers a card whose master
	 * has gone (as root), and fails while another process (a display server) holds it. */
	if (!drmIsMaster(fd) && drmSetMaster(fd) < 0) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "drm output: cannot become DRM master of %s: %s (is another display "
			    "server running on it? stop it first)",
			    path, g_strerror(errno));
		return false;
	}
	return true;
}

bool tsr_drm_device_open(struct drm_output *out, const char *card_path, int card_fd,
			 GError **error)
{
	int fd = -1;
	if (card_fd >= 0) {
		char why[128];
		out->card_path = g_strdup(card_path ? card_path : "(passed card)");
		if (card_usable(card_fd, why, sizeof why) < 0) {
			g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_UNSUPPORTED,
				    "drm output: %s: %s", out->card_path, why);
			close(card_fd);
			return false;
		}
		fd = card_fd;
	} else if (card_path != NULL) {
		fd = open_card(card_path, error);
		if (fd < 0)
			return false;
		out->card_path = g_strdup(card_path);
	} else {
		/* The first card with a connected display, else the first KMS card at all (zero
		 * displays is a valid state: one may be plugged in later). */
		int fallback = -1;
		char *fallback_path = NULL;
		for (int i = 0; i < 16 && fd < 0; i++) {
			char *path = g_strdup_printf("/dev/dri/card%d", i);
			int f = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
			char why[128];
			int u = f >= 0 ? card_usable(f, why, sizeof why) : -1;
			if (u == 1) {
				fd = f;
				out->card_path = path;
				continue;
			}
			if (u == 0 && fallback < 0) {
				fallback = f;
				fallback_path = path;
				continue;
			}
			if (f >= 0)
				close(f);
			g_free(path);
		}
		if (fd >= 0) {
			if (fallback >= 0)
				close(fallback);
			g_free(fallback_path);
		} else if (fallback >= 0) {
			fd = fallback;
			out->card_path = fallback_path;
		} else {
			g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
				    "drm output: no KMS display device in /dev/dri (is the GPU's "
				    "kernel module loaded?); name one with drm:/dev/dri/cardN");
			return false;
		}
	}
	if (!take_master(fd, out->card_path, error)) {
		close(fd);
		return false;
	}
	out->card_fd = fd;

	/* Atomic needs universal planes (the primary plane is an object of its own). */
	const char *no_atomic = getenv("TSR_DRM_NO_ATOMIC");
	out->atomic = !(no_atomic != NULL && strcmp(no_atomic, "1") == 0) &&
		      drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) == 0 &&
		      drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0;
	drmVersion *v = drmGetVersion(fd);
	tsr_info("drm: %s (%s), %s KMS", out->card_path, v ? v->name : "?",
		 out->atomic ? "atomic" : "legacy");
	drmFreeVersion(v);
	return true;
}

void tsr_drm_device_close(struct drm_output *out)
{
	if (out->card_fd >= 0) {
		if (drmDropMaster(out->card_fd) < 0)
			tsr_debug("drm: dropping master of %s: %s", out->card_path, g_strerror(errno));
		close(out->card_fd);
		out->card_fd = -1;
	}
}

bool tsr_drm_monitor_open(struct drm_output *out, GError **error)
{
	out->udev = udev_new();
	if (out->udev == NULL) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "drm output: udev_new failed: %s", g_strerror(errno));
		return false;
	}
	/* Without udevd nobody re-broadcasts "udev" events; listen to the kernel then. */
	const char *source = access("/run/udev/control", F_OK) == 0 ? "udev" : "kernel";
	out->monitor = udev_monitor_new_from_netlink(out->udev, source);
	if (out->monitor == NULL ||
	    udev_monitor_filter_add_match_subsystem_devtype(out->monitor, "drm", NULL) < 0 ||
	    udev_monitor_enable_receiving(out->monitor) < 0) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "drm output: cannot listen for display hotplug (udev %s monitor): %s",
			    source, g_strerror(errno));
		return false;
	}
	tsr_debug("drm: hotplug through the %s netlink source", source);
	return true;
}

int tsr_drm_monitor_fd(const struct drm_output *out)
{
	return udev_monitor_get_fd(out->monitor);
}

bool tsr_drm_monitor_read(struct drm_output *out)
{
	struct stat st;
	bool ours = false;
	bool have_st = fstat(out->card_fd, &st) == 0;
	struct udev_device *dev;
	while ((dev = udev_monitor_receive_device(out->monitor)) != NULL) {
		dev_t num = udev_device_get_devnum(dev);
		const char *action = udev_device_get_action(dev);
		/* Connector changes come as "change" on the card (HOTPLUG=1); connector
		 * sub-devices (card0-Virtual-1) have no devnum and count too. */
		if (!have_st || num == 0 || num == st.st_rdev) {
			tsr_debug("drm: udev %s %s", action ? action : "?",
				  udev_device_get_sysname(dev));
			ours = true;
		}
		udev_device_unref(dev);
	}
	return ours;
}

void tsr_drm_monitor_close(struct drm_output *out)
{
	if (out->monitor != NULL)
		udev_monitor_unref(out->monitor);
	if (out->udev != NULL)
		udev_unref(out->udev);
	out->monitor = NULL;
	out->udev = NULL;
}
