/* broker/devices.h: which USB device goes where, and the one table of where each one is.
 *
 * The decision is made per device from its interfaces (a composite device has several):
 * each interface gets the first rule of policy that matches its class, the device's vendor,
 * product and serial. The device as a whole is
 *   - dom0    when it is a hub, or when every interface is HID (keyboard, mouse) and no rule
 *             names HID specifically (class 03, or both vendor and product): keyboards and mice
 *             stay with the kiosk unless policy says otherwise;
 *   - denied  when any interface matches no rule, any matched rule says deny, or the rules
 *             disagree on where it goes (a device lives in at most one domain);
 *   - attach DOMAIN / focused   when every interface's rule says the same.
 * A device with no interfaces (unparsable descriptors) is denied.
 *
 * What a device looks like comes from its raw descriptors (sysfs "descriptors"), which exist
 * even while the device is unauthorized and unconfigured: the device wrote them, so they are
 * parsed as untrusted input (fuzz target tests/fuzz/broker-usb-descriptors-fuzz.c). */
#ifndef TSR_BROKER_DEVICES_H
#define TSR_BROKER_DEVICES_H

#include "policy/policy.h"

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TSR_USB_MAX_INTERFACES 32
#define TSR_USB_CLASS_HID 0x03
#define TSR_USB_CLASS_HUB 0x09
#define TSR_USB_CLASS_SMARTCARD 0x0b

struct tsr_usb_dev {
	char *id;              /* "usb-BUS-ADDR" (tsr_usb_device_id form) */
	char *sysname;         /* sysfs name, e.g. "3-1.2" */
	unsigned bus, addr;
	int vendor, product;
	char *serial;          /* NULL when the device has none */
	int device_class;
	size_t n_interfaces;
	int interface_class[TSR_USB_MAX_INTERFACES];
};

void tsr_usb_dev_free(struct tsr_usb_dev *dev);


/* Parse raw USB descriptors (device descriptor, then the active configuration's). Fills
 * vendor, product, device_class and the interface classes (alternate settings counted once).
 * Returns false with error naming the fault for anything malformed. */
bool tsr_usb_parse_descriptors(const uint8_t *buf, size_t len, struct tsr_usb_dev *dev,
			       GError **error) __attribute__((warn_unused_result));

enum tsr_device_verdict {
	TSR_DEVICE_DENY,
	TSR_DEVICE_DOM0,
	TSR_DEVICE_ATTACH,
	TSR_DEVICE_FOCUSED,
};

struct tsr_device_decision {
	enum tsr_device_verdict verdict;
	const char *domain;    /* ATTACH: the policy's domain name */
	const char *rule;      /* the deciding rule's name, or NULL */
	bool detach_on_lock;   /* leaves its domain while the session is locked */
	char reason[160];      /* for the audit log and the user's notification */
};

void tsr_devices_decide(const struct tsr_policy *policy, const struct tsr_usb_dev *dev,
			struct tsr_device_decision *out);
const char *tsr_device_verdict_name(enum tsr_device_verdict v);

/* The assignment table: device id -> domain. A device is in at most one domain. */
struct tsr_device_table;
struct tsr_device_table *tsr_device_table_create(void);
void tsr_device_table_destroy(struct tsr_device_table *table);
/* Refuses (false, error naming the owner) if id is assigned to another domain. Assigning to
 * the same domain again is a no-op. */
bool tsr_device_table_assign(struct tsr_device_table *table, const char *id, const char *domain,
			     GError **error) __attribute__((warn_unused_result));
/* Returns the domain it was assigned to (caller frees) or NULL. */
char *tsr_device_table_release(struct tsr_device_table *table, const char *id);
const char *tsr_device_table_owner(const struct tsr_device_table *table, const char *id);
/* Ids assigned to domain (NULL-terminated, g_strfreev). */
char **tsr_device_table_of_domain(const struct tsr_device_table *table, const char *domain);
/* All assignments, sorted by id: (id, domain) pairs in a NULL-terminated flat array. */
char **tsr_device_table_list(const struct tsr_device_table *table);
/* Persist/restore (STATE/devices.json) so a restarted broker checks the table against the
 * backends. Load refuses a malformed file (the table stays empty). */
bool tsr_device_table_save(const struct tsr_device_table *table, const char *path,
			   GError **error) __attribute__((warn_unused_result));
bool tsr_device_table_load(struct tsr_device_table *table, const char *path, GError **error)
	__attribute__((warn_unused_result));

#endif
