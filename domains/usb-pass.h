/* domains/usb-pass.h: a host USB device handed to a QEMU device model as an fd root opened
 * (add-fd, then device_add usb-host on /dev/fdset/N), for the qemu backend's own QEMU and Xen's
 * device model alike. */
#ifndef TSR_DOMAINS_USB_PASS_H
#define TSR_DOMAINS_USB_PASS_H

#include "domains/backend-private.h"
#include "domains/qmp.h"

/* The qdev id a broker device id gets in QEMU (letters, digits and '-'). */
char *tsr_usb_qdev_id(const char *device_id);

/* Told the outcome before op finishes: fdset is the device's fdset in QEMU, or -1 if it did
 * not go in. */
typedef void (*tsr_usb_passed_fn)(struct tsr_domain *d, const char *qid, gint64 fdset,
				  void *user);

/* Opens dev's node (bus/address or vendor:product) as root and passes it over qmp, then adds
 * the device with args (taken over: its "id", "bus" and any "port"; the driver is set here).
 * op is finished with the result; a failed device_add takes the fd back out of QEMU. */
void tsr_usb_pass_host(struct tsr_qmp *qmp, struct tsr_domain *d,
		       const struct tsr_usb_device *dev, JsonObject *args, tsr_usb_passed_fn passed,
		       void *user, struct tsr_op *op);

#endif
