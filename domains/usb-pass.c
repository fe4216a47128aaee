/* domains/usb-pass.c: handing a host USB device to a device model as an fd, shared by the qemu
 * and xen backends: root opens the node, so no device model ever opens a device itself.
 *
 * The node keeps its owner and mode: no domain's user can open it, so a device model keeps
 * nothing of a device after it moves on but the fd it was given, which the port reset on every
 * move makes useless. QEMU gets the fd with QMP add-fd (SCM_RIGHTS), then device_add usb-host
 * with hostdevice=/dev/fdset/N. */
#include "config.h"

#include "domains/usb-pass.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *tsr_usb_qdev_id(const char *device_id)
{
	char *id = g_strdup_printf("tsr-%s", device_id);
	for (char *p = id; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '-')
			*p = '-';
	return id;
}

static int open_host_device(struct tsr_domain *d, const struct tsr_usb_device *dev,
			    GError **error)
{
	unsigned bus = dev->bus, addr = dev->addr;
	if (dev->kind == TSR_USB_HOST_VIDPID) {
		bool found = false;
		GDir *dir = g_dir_open("/sys/bus/usb/devices", 0, NULL);
		const char *e;
		while (dir && !found && (e = g_dir_read_name(dir))) {
			char *base = g_build_filename("/sys/bus/usb/devices", e, NULL);
			char *p1 = g_build_filename(base, "idVendor", NULL);
			char *p2 = g_build_filename(base, "idProduct", NULL);
			char *p3 = g_build_filename(base, "busnum", NULL);
			char *p4 = g_build_filename(base, "devnum", NULL);
			char *v = tsr_read_trimmed(p1), *pr = tsr_read_trimmed(p2),
			     *bn = tsr_read_trimmed(p3), *dn = tsr_read_trimmed(p4);
			if (v && pr && bn && dn && strtoul(v, NULL, 16) == dev->vendor &&
			    strtoul(pr, NULL, 16) == dev->product) {
				bus = (unsigned)strtoul(bn, NULL, 10);
				addr = (unsigned)strtoul(dn, NULL, 10);
				found = true;
			}
			g_free(v); g_free(pr); g_free(bn); g_free(dn);
			g_free(p1); g_free(p2); g_free(p3); g_free(p4);
			g_free(base);
		}
		if (dir)
			g_dir_close(dir);
		if (!found) {
			g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID,
				    "no USB device %04x:%04x is plugged in", dev->vendor,
				    dev->product);
			return -1;
		}
	}
	char *node = g_strdup_printf("%s/bus/usb/%03u/%03u", d->backend->devfs, bus, addr);
	int fd = open(node, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISCHR(st.st_mode))) {
		close(fd);
		fd = -1;
		errno = ENODEV;
	}
	if (fd < 0)
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID,
			    "USB device %s: %s", node, g_strerror(errno));
	g_free(node);
	return fd;
}

/* A host device on its way in: add-fd, then device_add with hostdevice=/dev/fdset/N. */
struct usb_ctx {
	struct tsr_domain *d;
	struct tsr_op *op;
	tsr_usb_passed_fn passed;
	void *user;
	char *qid;
	JsonObject *args; /* device_add's, sent once QEMU has the fd */
	gint64 fdset;
};

static void usb_ctx_free(struct usb_ctx *c)
{
	g_clear_pointer(&c->args, json_object_unref);
	g_free(c->qid);
	g_free(c);
}

/* A device that did not go in leaves no fd behind in QEMU. */
static void drop_fdset(struct tsr_qmp *qmp, gint64 fdset)
{
	JsonObject *args = json_object_new();
	json_object_set_int_member(args, "fdset-id", fdset);
	tsr_qmp_command(qmp, "remove-fd", args, NULL, NULL);
}

static void usb_added(struct tsr_qmp *qmp, JsonNode *result, const GError *error, void *user)
{
	struct usb_ctx *c = user;
	if (error)
		drop_fdset(qmp, c->fdset);
	c->passed(c->d, c->qid, error ? -1 : c->fdset, c->user);
	tsr_op_finish(c->op, error ? g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
						 "domain %s: device_add: %s", c->d->name,
						 error->message)
				   : NULL);
	usb_ctx_free(c);
}

static void fd_added(struct tsr_qmp *qmp, JsonNode *result, const GError *error, void *user)
{
	struct usb_ctx *c = user;
	JsonObject *o = !error && result && JSON_NODE_HOLDS_OBJECT(result)
				? json_node_get_object(result) : NULL;
	JsonNode *id = o ? json_object_get_member(o, "fdset-id") : NULL;

	if (!id || !JSON_NODE_HOLDS_VALUE(id) || json_node_get_value_type(id) != G_TYPE_INT64) {
		c->passed(c->d, c->qid, -1, c->user);
		tsr_op_finish(c->op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
						 "domain %s: add-fd: %s", c->d->name,
						 error ? error->message : "no fdset-id in the reply"));
		usb_ctx_free(c);
		return;
	}
	c->fdset = json_node_get_int(id);
	char *path = g_strdup_printf("/dev/fdset/%" G_GINT64_FORMAT, c->fdset);
	json_object_set_string_member(c->args, "hostdevice", path);
	g_free(path);
	JsonObject *args = c->args;
	c->args = NULL;
	tsr_qmp_command(qmp, "device_add", args, usb_added, c);
}

void tsr_usb_pass_host(struct tsr_qmp *qmp, struct tsr_domain *d,
		       const struct tsr_usb_device *dev, JsonObject *args, tsr_usb_passed_fn passed,
		       void *user, struct tsr_op *op)
{
	GError *error = NULL;
	int fd = open_host_device(d, dev, &error);
	const char *qid = json_object_get_string_member_with_default(args, "id", "");
	if (fd < 0) {
		passed(d, qid, -1, user);
		json_object_unref(args);
		tsr_op_finish(op, error);
		return;
	}
	json_object_set_string_member(args, "driver", "usb-host");
	struct usb_ctx *c = g_new0(struct usb_ctx, 1);
	c->d = d;
	c->op = op;
	c->passed = passed;
	c->user = user;
	c->qid = g_strdup(qid);
	c->args = args;
	JsonObject *fa = json_object_new();
	json_object_set_string_member(fa, "opaque", c->qid);
	tsr_qmp_command_fd(qmp, "add-fd", fa, fd, fd_added, c);
	close(fd);
}
