/* input/devices.h: finds, grabs and reads the laptop's input devices for the router.
 *
 * Every keyboard, mouse, touchpad, tablet and touchscreen under /dev/input/event* is opened
 * with libevdev and grabbed (EVIOCGRAB), so no other reader (the VT console, another process)
 * sees a single event while the kiosk runs. Devices are enumerated with libudev and followed
 * while running through a udev monitor (the udevd feed when udevd runs, else the kernel's
 * uevents, so it works in a bare initramfs too). Classification comes from the device's own
 * capabilities, not udev properties, for the same reason. A device that disappears, even in the
 * middle of a key press, is removed from the router, which releases what it held.
 *
 * Devices that only have a few keys (power button, lid switch, video bus) are left to the
 * system: they are neither keyboards nor pointers.
 *
 * Opening nodes itself (standalone mode, tests) needs read access to them (root or the input group).
 * udevd sets that before it announces a device, so with udevd hotplug just works; on the
 * kernel's feed (no udevd) a node appears root-only and a non-root kiosk cannot open a device
 * plugged in later: a device that cannot be opened or grabbed is logged as a warning.
 *
 * Under the broker the kiosk opens nothing: with `passed` set there is no udev at all, and the
 * broker's open fds come in through tsr_input_devices_add_fd / _remove_id (the broker follows
 * hotplug as root and revokes its copies when the kiosk ends). The standalone kiosk and the
 * tests keep opening nodes themselves. */
#ifndef TSR_INPUT_DEVICES_H
#define TSR_INPUT_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "input/router.h"

struct tsr_input_devices;

struct tsr_input_devices_options {
	/* Directory holding the event nodes; NULL: /dev/input. */
	const char *dev_dir;
	/* Follow hotplug (default true); tests may turn it off. */
	bool no_hotplug;
	/* Open nothing: every device comes as an fd (tsr_input_devices_add_fd). */
	bool passed;
	/* Told after a device was grabbed and added to the router (added = true) and after one
	 * was removed from it (its held keys already released). Optional. */
	void (*changed)(void *user_data, const char *path, const char *name, bool added);
	void *user_data;
};

/* Opens and grabs every device present now and starts following hotplug on the thread-default
 * main context. options may be NULL. Fails only if udev cannot be used at all; having no input
 * device is not an error (one may be plugged in later). */
struct tsr_input_devices *tsr_input_devices_create(struct tsr_input_router *router,
						   const struct tsr_input_devices_options *options,
						   GError **error) __attribute__((warn_unused_result));
void tsr_input_devices_destroy(struct tsr_input_devices *devices);

/* Open and grab one event node (e.g. a uinput device a test created). false with *error if it
 * cannot be opened or grabbed, or is not a keyboard, pointer or touch device. */
bool tsr_input_devices_add_path(struct tsr_input_devices *devices, const char *path,
				GError **error) __attribute__((warn_unused_result));

/* Take an fd someone else opened (the broker), identified by id (non-zero) for _remove_id;
 * node names it in the log. The fd is owned from the call on, also on failure (then closed):
 * false + error when it is not an evdev device, not ours, or cannot be grabbed. */
bool tsr_input_devices_add_fd(struct tsr_input_devices *devices, uint32_t id, int fd,
			      const char *node, GError **error) __attribute__((warn_unused_result));
/* The device passed as id is gone: what it sent still counts, then the router releases what it
 * held. An unknown id is ignored (a device that was not ours). */
void tsr_input_devices_remove_id(struct tsr_input_devices *devices, uint32_t id);

/* Number of devices opened and grabbed now. */
size_t tsr_input_devices_count(const struct tsr_input_devices *devices);

/* Classify a device from its capabilities (enum tsr_input_caps, 0 = not ours). Exposed for
 * tests; `dev` is a struct libevdev *. */
unsigned tsr_input_devices_classify(const void *dev);

#endif
