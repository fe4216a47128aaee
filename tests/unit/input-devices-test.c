/* Devices: classification from capabilities (keyboards, mice, touchpads, tablets and
 * touchscreens are ours; power buttons and lid switches are not), clear errors for nodes that
 * cannot be used, and discovery/hotplug set-up that copes with no devices at all. Grabbing real
 * devices and unplugging them mid-key needs uinput, so that runs in the QEMU system test. */
#include "config.h"
#include "input/devices.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <libevdev/libevdev.h>
#include <string.h>

static struct libevdev *make(const char *name, const unsigned *keys, size_t nkeys,
			     const unsigned *rels, size_t nrels, bool abs, int prop)
{
	struct libevdev *d = libevdev_new();
	struct input_absinfo ai = { .minimum = 0, .maximum = 4095 };

	libevdev_set_name(d, name);
	for (size_t i = 0; i < nkeys; i++)
		g_assert_cmpint(libevdev_enable_event_code(d, EV_KEY, keys[i], NULL), ==, 0);
	for (size_t i = 0; i < nrels; i++)
		g_assert_cmpint(libevdev_enable_event_code(d, EV_REL, rels[i], NULL), ==, 0);
	if (abs) {
		g_assert_cmpint(libevdev_enable_event_code(d, EV_ABS, ABS_X, &ai), ==, 0);
		g_assert_cmpint(libevdev_enable_event_code(d, EV_ABS, ABS_Y, &ai), ==, 0);
	}
	if (prop >= 0)
		g_assert_cmpint(libevdev_enable_property(d, (unsigned)prop), ==, 0);
	return d;
}

static void test_classify(void)
{
	static const unsigned kbd[] = { KEY_A, KEY_ENTER, KEY_SPACE, KEY_LEFTCTRL };
	static const unsigned mouse_keys[] = { BTN_LEFT, BTN_RIGHT };
	static const unsigned xy[] = { REL_X, REL_Y, REL_WHEEL };
	static const unsigned touch_keys[] = { BTN_TOUCH };
	static const unsigned pad_keys[] = { BTN_LEFT, BTN_TOUCH, BTN_TOOL_FINGER };
	static const unsigned power[] = { KEY_POWER };
	static const unsigned lid_like[] = { KEY_SLEEP, KEY_WAKEUP };
	static const unsigned media[] = { KEY_VOLUMEUP, KEY_VOLUMEDOWN, KEY_MUTE };
	static const unsigned video_bus[] = { KEY_BRIGHTNESSUP, KEY_BRIGHTNESSDOWN,
					      KEY_SWITCHVIDEOMODE, KEY_DISPLAY_OFF };
	struct {
		struct libevdev *d;
		unsigned caps;
	} cases[] = {
		{ make("keyboard", kbd, 4, NULL, 0, false, -1), TSR_INPUT_CAP_KEYBOARD },
		{ make("mouse", mouse_keys, 2, xy, 3, false, -1), TSR_INPUT_CAP_POINTER },
		{ make("touchscreen", touch_keys, 1, NULL, 0, true, INPUT_PROP_DIRECT),
		  TSR_INPUT_CAP_TOUCH },
		{ make("tablet", mouse_keys, 2, NULL, 0, true, -1), TSR_INPUT_CAP_ABSOLUTE },
		{ make("touchpad", pad_keys, 3, NULL, 0, true, INPUT_PROP_POINTER),
		  TSR_INPUT_CAP_TOUCHPAD },
		{ make("power button", power, 1, NULL, 0, false, -1), 0 },
		{ make("sleep button", lid_like, 2, NULL, 0, false, -1), 0 },
		{ make("media keys", media, 3, NULL, 0, false, -1), 0 },
		/* The brightness keys' own device: the router must see them to keep them. */
		{ make("Video Bus", video_bus, 4, NULL, 0, false, -1), TSR_INPUT_CAP_KEYBOARD },
		{ make("accelerometer", NULL, 0, NULL, 0, true, INPUT_PROP_ACCELEROMETER), 0 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_test_message("%s", libevdev_get_name(cases[i].d));
		g_assert_cmphex(tsr_input_devices_classify(cases[i].d), ==, cases[i].caps);
		libevdev_free(cases[i].d);
	}
}

static void test_bad_nodes(void)
{
	struct tsr_input_router *r = tsr_input_router_create(NULL, NULL, NULL, NULL);
	g_autofree char *dir = g_dir_make_tmp("tsr-input-XXXXXX", NULL);
	struct tsr_input_devices_options o = { .dev_dir = dir, .no_hotplug = true };
	g_autoptr(GError) error = NULL;
	struct tsr_input_devices *devs = tsr_input_devices_create(r, &o, &error);

	g_assert_no_error(error);
	g_assert_nonnull(devs);
	g_assert_cmpuint(tsr_input_devices_count(devs), ==, 0);

	g_autofree char *missing = g_build_filename(dir, "event99", NULL);
	g_assert_false(tsr_input_devices_add_path(devs, missing, &error));
	g_assert_nonnull(strstr(error->message, "cannot open"));
	g_assert_nonnull(strstr(error->message, "event99"));
	g_clear_error(&error);

	g_assert_false(tsr_input_devices_add_path(devs, "/dev/null", &error));
	g_assert_nonnull(strstr(error->message, "not an evdev device"));
	g_assert_false(g_error_matches(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_NOT_OURS));
	g_clear_error(&error);
	g_assert_cmpuint(tsr_input_devices_count(devs), ==, 0);

	tsr_input_devices_destroy(devs);
	tsr_input_devices_destroy(NULL);
	tsr_input_router_destroy(r);
	g_rmdir(dir);
}

/* With hotplug on, the udev monitor must come up (kernel or udevd feed) even with no devices.
 * The nodes are looked up in an empty directory, so this machine's own keyboard is never
 * grabbed by the test. */
static void test_hotplug_monitor(void)
{
	struct tsr_input_router *r = tsr_input_router_create(NULL, NULL, NULL, NULL);
	g_autofree char *dir = g_dir_make_tmp("tsr-input-XXXXXX", NULL);
	struct tsr_input_devices_options o = { .dev_dir = dir };
	g_autoptr(GError) error = NULL;
	struct tsr_input_devices *devs = tsr_input_devices_create(r, &o, &error);

	g_assert_no_error(error);
	g_assert_nonnull(devs);
	g_assert_cmpuint(tsr_input_devices_count(devs), ==, 0);
	tsr_input_devices_destroy(devs);
	tsr_input_router_destroy(r);
	g_rmdir(dir);
}

/* Under the broker nothing is opened: no udev, no node, only fds passed in. A passed fd that is
 * not an evdev device is refused and closed, an id is never taken twice, and removing an id
 * nobody has changes nothing. */
static void test_passed_fds(void)
{
	struct tsr_input_router *r = tsr_input_router_create(NULL, NULL, NULL, NULL);
	struct tsr_input_devices_options o = { .passed = true };
	g_autoptr(GError) error = NULL;
	struct tsr_input_devices *devs = tsr_input_devices_create(r, &o, &error);
	int fd;

	g_assert_no_error(error);
	g_assert_nonnull(devs);
	g_assert_cmpuint(tsr_input_devices_count(devs), ==, 0);

	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	g_assert_cmpint(fd, >=, 0);
	g_assert_false(tsr_input_devices_add_fd(devs, 5, fd, "/dev/input/event5", &error));
	g_assert_nonnull(strstr(error->message, "not an evdev device"));
	g_assert_nonnull(strstr(error->message, "/dev/input/event5"));
	g_clear_error(&error);
	/* the fd was the callee's: closed on failure */
	g_assert_cmpint(fcntl(fd, F_GETFD), ==, -1);

	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	g_assert_false(tsr_input_devices_add_fd(devs, 0, fd, "/dev/input/event6", &error));
	g_assert_nonnull(strstr(error->message, "id 0"));
	g_clear_error(&error);
	g_assert_cmpint(fcntl(fd, F_GETFD), ==, -1);

	tsr_input_devices_remove_id(devs, 5);
	tsr_input_devices_remove_id(devs, 0);
	g_assert_cmpuint(tsr_input_devices_count(devs), ==, 0);
	tsr_input_devices_destroy(devs);
	tsr_input_router_destroy(r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/input/devices/classify-by-capabilities", test_classify);
	g_test_add_func("/input/devices/unusable-nodes-refused", test_bad_nodes);
	g_test_add_func("/input/devices/hotplug-monitor-starts", test_hotplug_monitor);
	g_test_add_func("/input/devices/passed-fds-only", test_passed_fds);
	return g_test_run();
}
