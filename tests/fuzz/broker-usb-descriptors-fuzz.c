/* libFuzzer target for the USB descriptor parser: a device writes its own descriptors, so
 * whatever it writes must be refused or parsed without reading out of bounds. */
#include "config.h"
#include "broker/devices.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tsr_usb_dev dev = { 0 };
	struct tsr_policy_device_rule rule = { .name = (char *)"r", .interface_class = 0x0b,
					       .vendor = -1, .product = -1,
					       .action = TSR_POLICY_DEVICE_ATTACH,
					       .domain = (char *)"work" };
	struct tsr_policy policy = { .rules = &rule, .n_rules = 1 };
	struct tsr_device_decision d;

	if (tsr_usb_parse_descriptors(data, size, &dev, NULL)) {
		if (dev.n_interfaces == 0 || dev.n_interfaces > TSR_USB_MAX_INTERFACES)
			__builtin_trap();
		tsr_devices_decide(&policy, &dev, &d);
	}
	return 0;
}
