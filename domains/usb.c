/* domains/usb.c: which domain holds which USB device, for every backend alike.
 *
 * A device belongs to at most one domain: the core records the owner before the backend plugs
 * it in, forgets it when the plug fails, the unplug succeeds or the domain ends, and refuses an
 * attach to a second domain with the first one's name. */
#include "config.h"

#include "domains/backend-private.h"

#include <string.h>

char *tsr_usb_device_id(const struct tsr_usb_device *device)
{
	switch (device->kind) {
	case TSR_USB_HOST_BUSADDR:
		return g_strdup_printf("usb-%u-%u", device->bus, device->addr);
	case TSR_USB_HOST_VIDPID:
		return g_strdup_printf("usb-%04x:%04x", device->vendor, device->product);
	case TSR_USB_VIRTUAL_SMARTCARD:
		return g_strdup("smartcard");
	}
	return g_strdup("invalid");
}

void tsr_usb_release_domain(struct tsr_backend *b, const char *name)
{
	GHashTableIter it;
	gpointer key, value;
	g_hash_table_iter_init(&it, b->usb_owner);
	while (g_hash_table_iter_next(&it, &key, &value))
		if (strcmp(value, name) == 0)
			g_hash_table_iter_remove(&it);
}

struct usb_op {
	struct tsr_backend *backend;
	char *device_id;
	bool attach;
	tsr_backend_done_fn done;
	void *user_data;
};

static void usb_done(struct tsr_backend *b, const char *name, const GError *error, void *data)
{
	struct usb_op *u = data;
	if (u->attach && error)
		g_hash_table_remove(b->usb_owner, u->device_id);
	if (!u->attach && !error)
		g_hash_table_remove(b->usb_owner, u->device_id);
	if (u->done)
		u->done(b, name, error, u->user_data);
	g_free(u->device_id);
	g_free(u);
}

/* Why domain d (running, or paused) may not take the device now; nothing set if it may. */
static void check_attach(const struct tsr_domain *d, const struct tsr_usb_device *device,
			 const char *id, const char *name, const char *owner, GError **error)
{
	if (d->state != TSR_DOMAIN_RUNNING && d->state != TSR_DOMAIN_PAUSED)
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_STATE,
			    "cannot attach %s to domain %s: it is %s; start it first", id, name,
			    tsr_domain_state_name(d->state));
	else if (owner && strcmp(owner, name) != 0)
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_BUSY,
			    "%s is attached to domain %s: detach it there before attaching it to "
			    "%s (a device belongs to at most one domain)", id, owner, name);
	else if (owner)
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_STATE,
			    "%s is already attached to domain %s", id, name);
	else if (device->kind == TSR_USB_VIRTUAL_SMARTCARD &&
		 (!device->nss_db || !device->certs[0] || !device->certs[1] || !device->certs[2]))
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID,
			    "virtual smartcard for %s: give an NSS database and the nicknames of "
			    "its three certificates", name);
}

/* Why the device cannot be taken out of domain d: it is not d's. */
static void check_detach(const struct tsr_domain *d, const struct tsr_usb_device *device,
			 const char *id, const char *name, const char *owner, GError **error)
{
	(void)d;
	(void)device;
	if (!owner || strcmp(owner, name) != 0)
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_STATE,
			    "%s is not attached to domain %s%s%s", id, name,
			    owner ? " but to " : "", owner ? owner : "");
}

/* Attach or detach: checked against the owner table, which an attach fills before the backend
 * plugs the device in; usb_done settles the table when the backend has answered. */
static void usb_request(struct tsr_backend *b, const char *name,
			const struct tsr_usb_device *device, bool attach, tsr_backend_done_fn done,
			void *user_data)
{
	GError *error = NULL;
	struct tsr_domain *d = tsr_backend_lookup(b, name, &error);
	char *id = tsr_usb_device_id(device);
	const char *owner = g_hash_table_lookup(b->usb_owner, id);
	if (d)
		(attach ? check_attach : check_detach)(d, device, id, name, owner, &error);
	if (error) {
		g_free(id);
		tsr_op_fail(b, name, done, user_data, error);
		return;
	}
	if (attach)
		g_hash_table_replace(b->usb_owner, g_strdup(id), g_strdup(name));
	struct usb_op *u = g_new0(struct usb_op, 1);
	u->backend = b;
	u->device_id = id;
	u->attach = attach;
	u->done = done;
	u->user_data = user_data;
	struct tsr_op *op = tsr_op_new(b, name, usb_done, u);
	if (attach)
		b->ops->attach_usb(d, device, id, op);
	else
		b->ops->detach_usb(d, device, id, op);
}

void tsr_backend_attach_usb(struct tsr_backend *b, const char *name,
			    const struct tsr_usb_device *device, tsr_backend_done_fn done,
			    void *user_data)
{
	usb_request(b, name, device, true, done, user_data);
}

void tsr_backend_detach_usb(struct tsr_backend *b, const char *name,
			    const struct tsr_usb_device *device, tsr_backend_done_fn done,
			    void *user_data)
{
	usb_request(b, name, device, false, done, user_data);
}

const char *tsr_backend_usb_owner(struct tsr_backend *b, const char *device_id)
{
	return g_hash_table_lookup(b->usb_owner, device_id);
}
