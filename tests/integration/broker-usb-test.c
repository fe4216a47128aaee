/* USB devices through the real broker against a fake sysfs tree and the sim backend: new
 * devices are kept unauthorized (authorized_default=0); keyboards stay with dom0; storage is
 * denied; two identical smart card readers wait for their domain and are attached when it
 * starts, released when it stops; root can detach and attach (only to a running domain); a
 * device plugged in later is decided on rescan, an unplugged one leaves the table; every
 * decision is in the audit log. A bus (host controller) that appears later is locked down
 * (authorized_default=0) before its devices are decided; a host without USB leaves the broker
 * running with host USB reported unavailable. */
#include "config.h"
#include "tests/harness/tree.h"
#include "tests/integration/broker-harness.h"

#include <string.h>

/* A device with one configuration whose interfaces have the given classes. */
static GByteArray *descriptors(uint16_t vendor, uint16_t product, const uint8_t *classes,
			       size_t n)
{
	GByteArray *b = g_byte_array_new();
	uint8_t dev[18] = { 18, 1, 0x00, 0x02, 0, 0, 0, 64, (uint8_t)vendor,
			    (uint8_t)(vendor >> 8), (uint8_t)product, (uint8_t)(product >> 8),
			    0x00, 0x01, 1, 2, 3, 1 };
	uint8_t cfg[9] = { 9, 2, (uint8_t)(9 + 9 * n), 0, (uint8_t)n, 1, 0, 0x80, 50 };

	g_byte_array_append(b, dev, sizeof(dev));
	g_byte_array_append(b, cfg, sizeof(cfg));
	for (size_t i = 0; i < n; i++) {
		uint8_t intf[9] = { 9, 4, (uint8_t)i, 0, 0, classes[i], 0, 0, 0 };
		g_byte_array_append(b, intf, sizeof(intf));
	}
	return b;
}

static void add_on(struct bh *h, unsigned bus, const char *sysname, uint16_t vendor,
		   uint16_t product, const uint8_t *classes, size_t n, unsigned dev,
		   const char *serial)
{
	GByteArray *d = descriptors(vendor, product, classes, n);
	bh_usb_add(h, sysname, d->data, d->len, bus, dev, serial);
	g_byte_array_unref(d);
}

static void add(struct bh *h, const char *sysname, uint16_t vendor, uint16_t product,
		const uint8_t *classes, size_t n, unsigned dev, const char *serial)
{
	add_on(h, 1, sysname, vendor, product, classes, n, dev, serial);
}

static char *bus_file(struct bh *h, const char *bus)
{
	return g_build_filename(h->sysfs, "bus/usb/devices", bus, "authorized_default", NULL);
}

/* A root hub as the kernel makes it: new devices authorized by default. */
static void add_bus(struct bh *h, const char *bus)
{
	g_autofree char *path = bus_file(h, bus);
	g_autofree char *dir = g_path_get_dirname(path);

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	g_assert_true(g_file_set_contents(path, "1", -1, NULL));
}

static void assert_bus_locked(struct bh *h, const char *bus)
{
	g_autofree char *path = bus_file(h, bus);
	g_autofree char *def = NULL;

	g_assert_true(g_file_get_contents(path, &def, NULL, NULL));
	if (strcmp(def, "0") != 0)
		g_error("%s: authorized_default is \"%s\", want \"0\"", bus, def);
}

static JsonObject *rescan_devices(struct bh *h, struct tsr_ctl_response *r)
{
	JsonObject *rescan = json_object_new();
	json_object_set_boolean_member(rescan, "rescan", TRUE);
	g_assert_true(bh_ctl(h, "devices", rescan, r));
	return r->result;
}

static void assert_authorized(struct bh *h, const char *sysname, const char *want)
{
	g_autofree char *a = bh_usb_authorized(h, sysname);
	g_strchomp(a);
	if (strcmp(a, want) != 0)
		g_error("%s: authorized is \"%s\", want \"%s\"", sysname, a, want);
}

static const char *owner_of(JsonObject *result, const char *id)
{
	JsonArray *a = json_object_get_array_member(result, "devices");
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonObject *d = json_array_get_object_element(a, i);
		if (strcmp(json_object_get_string_member(d, "id"), id) == 0)
			return json_object_get_string_member_with_default(d, "attached_to", "-");
	}
	return "absent";
}

static JsonObject *args2(const char *k1, const char *v1, const char *k2, const char *v2)
{
	JsonObject *o = json_object_new();
	json_object_set_string_member(o, k1, v1);
	if (k2)
		json_object_set_string_member(o, k2, v2);
	return o;
}

static void test_usb(void)
{
	static const uint8_t ccid[] = { 0x0b }, hid[] = { 0x03, 0x03 }, storage[] = { 0x08 };
	struct bh *h = bh_new("[rule readers]\nclass = 0x0b\naction = attach\ndomain = work\n\n"
			      "[rule no-storage]\nclass = 0x08\naction = deny\n");
	struct tsr_ctl_response r = { 0 };

	/* (Device numbers equal the port, so usb-1-N is sysfs 1-N.) Present before the broker starts: two identical readers (one with, one without a
	 * serial), a keyboard, a stick. */
	add(h, "1-1", 0x04e6, 0x5116, ccid, 1, 1, "R1");
	add(h, "1-2", 0x046d, 0xc31c, hid, 2, 2, NULL);
	add(h, "1-3", 0x0781, 0x5567, storage, 1, 3, "S1");
	add(h, "1-4", 0x04e6, 0x5116, ccid, 1, 4, NULL);
	bh_start(h, false);
	/* Devices are placed once the domains at start have been adopted. */
	g_autofree char *ready = bh_wait_audit(h, "\"event\":\"usb-ready\"", "\"devices\":\"4\"");

	assert_bus_locked(h, "usb1");
	assert_authorized(h, "1-2", "1"); /* keyboard: dom0 */
	assert_authorized(h, "1-3", "0"); /* storage: denied */
	assert_authorized(h, "1-1", "0"); /* reader: waits for work */
	assert_authorized(h, "1-4", "0");
	g_autofree char *e1 = bh_wait_audit(h, "\"device\":\"usb-1-3\"", "\"verdict\":\"deny\"");
	g_assert_nonnull(strstr(e1, "no-storage"));
	g_autofree char *e2 = bh_wait_audit(h, "\"device\":\"usb-1-2\"", "\"verdict\":\"dom0\"");

	/* work starts: both readers go to it. */
	g_assert_true(bh_ctl(h, "start", args2("name", "work", NULL, NULL), &r));
	tsr_ctl_response_clear(&r);
	g_autofree char *e3 = bh_wait_audit(h, "\"event\":\"device-attached\"", "\"usb-1-1\"");
	g_autofree char *e4 = bh_wait_audit(h, "\"event\":\"device-attached\"", "\"usb-1-4\"");
	assert_authorized(h, "1-1", "1");
	assert_authorized(h, "1-4", "1");
	g_assert_true(bh_ctl(h, "devices", NULL, &r));
	g_assert_cmpstr(owner_of(r.result, "usb-1-1"), ==, "work");
	g_assert_cmpstr(owner_of(r.result, "usb-1-4"), ==, "work");
	g_assert_cmpstr(owner_of(r.result, "usb-1-3"), ==, "-");
	tsr_ctl_response_clear(&r);
	/* The backend has them: the sim backend lists a domain's USB devices in RUN/domains/NAME/usb. */
	g_autofree char *usbfile = g_build_filename(h->run, "domains", "work", "usb", NULL);
	g_autofree char *usbtext = NULL;
	g_assert_true(g_file_get_contents(usbfile, &usbtext, NULL, NULL));
	g_assert_nonnull(strstr(usbtext, "usb-1-1\n"));
	g_assert_nonnull(strstr(usbtext, "usb-1-4\n"));

	/* Root takes one back: detached, left unauthorized. */
	g_assert_true(bh_ctl(h, "detach", args2("device", "usb-1-1", NULL, NULL), &r));
	g_assert_cmpstr(owner_of(r.result, "usb-1-1"), ==, "-");
	tsr_ctl_response_clear(&r);
	assert_authorized(h, "1-1", "0");
	/* Attaching to a domain that does not run is refused. */
	g_assert_false(bh_ctl(h, "attach", args2("device", "usb-1-1", "name", "web"), &r));
	g_assert_nonnull(strstr(r.message, "not running"));
	tsr_ctl_response_clear(&r);
	g_assert_false(bh_ctl(h, "attach", args2("device", "usb-9-9", "name", "work"), &r));
	g_assert_cmpint(r.code, ==, TSR_CTL_ERROR_NOT_FOUND);
	tsr_ctl_response_clear(&r);
	/* To a running one it goes (root's choice), and only there. */
	g_assert_true(bh_ctl(h, "start", args2("name", "web", NULL, NULL), &r));
	tsr_ctl_response_clear(&r);
	g_assert_true(bh_ctl(h, "attach", args2("device", "1-1", "name", "web"), &r));
	tsr_ctl_response_clear(&r);
	g_autofree char *e5 = bh_wait_audit(h, "\"event\":\"device-attached\"", "\"domain\":\"web\"");
	g_assert_true(bh_ctl(h, "devices", NULL, &r));
	g_assert_cmpstr(owner_of(r.result, "usb-1-1"), ==, "web");
	JsonArray *assigned = json_object_get_array_member(r.result, "assignments");
	g_assert_cmpuint(json_array_get_length(assigned), ==, 2);
	tsr_ctl_response_clear(&r);

	/* Hotplug (rescan stands in for udev): a new stick is denied, an unplugged reader leaves. */
	add(h, "1-5", 0x0781, 0x5567, storage, 1, 5, "S2");
	bh_usb_remove(h, "1-4");
	rescan_devices(h, &r);
	g_assert_cmpstr(owner_of(r.result, "usb-1-4"), ==, "absent");
	g_assert_cmpstr(owner_of(r.result, "usb-1-5"), ==, "-");
	tsr_ctl_response_clear(&r);
	assert_authorized(h, "1-5", "0");
	g_autofree char *e6 = bh_wait_audit(h, "\"event\":\"device-removed\"", "\"usb-1-4\"");

	/* web stops: its device is released and unauthorized again. */
	g_assert_true(bh_ctl(h, "stop", args2("name", "web", NULL, NULL), &r));
	tsr_ctl_response_clear(&r);
	g_autofree char *e7 = bh_wait_audit(h, "\"event\":\"device-released\"", "\"usb-1-1\"");
	assert_authorized(h, "1-1", "0");
	g_assert_true(bh_ctl(h, "devices", NULL, &r));
	g_assert_cmpstr(owner_of(r.result, "usb-1-1"), ==, "-");
	tsr_ctl_response_clear(&r);
	bh_free(h);
}

/* A dock's host controller appears after start, with a stick already enumerated on it: the
 * bus gets authorized_default=0 (audited) and the stick stays unauthorized. */
static void test_new_bus(void)
{
	static const uint8_t storage[] = { 0x08 };
	struct bh *h = bh_new("[rule no-storage]\nclass = 0x08\naction = deny\n");
	struct tsr_ctl_response r = { 0 };

	bh_start(h, false);
	g_autofree char *ready = bh_wait_audit(h, "\"event\":\"usb-ready\"", NULL);
	add_bus(h, "usb2");
	add_on(h, 2, "2-1", 0x0781, 0x5567, storage, 1, 1, "S1");
	rescan_devices(h, &r);
	g_assert_cmpstr(owner_of(r.result, "usb-2-1"), ==, "-");
	tsr_ctl_response_clear(&r);
	assert_bus_locked(h, "usb2");
	assert_authorized(h, "2-1", "0");
	g_autofree char *e = bh_wait_audit(h, "\"event\":\"usb-bus-locked\"", "\"bus\":\"usb2\"");
	g_assert_nonnull(strstr(e, "\"result\":\"ok\""));

	/* The bus goes and comes back (the dock is replugged): locked again. */
	bh_usb_remove(h, "2-1");
	bh_usb_remove(h, "usb2");
	rescan_devices(h, &r);
	tsr_ctl_response_clear(&r);
	add_bus(h, "usb2");
	rescan_devices(h, &r);
	tsr_ctl_response_clear(&r);
	assert_bus_locked(h, "usb2");
	bh_free(h);
}

/* Not enrolled: a USB stick (mass storage and nothing else) reaches dom0 for its enrolment
 * disk; a keyboard-and-storage combination, or anything else, does not. Once enrolled, policy
 * decides the stick again (here: denied). */
static void test_not_enrolled_storage(void)
{
	static const uint8_t storage[] = { 0x08 }, combo[] = { 0x08, 0x03 };
	struct bh *h = bh_new("[rule no-storage]\nclass = 0x08\naction = deny\n");
	struct tsr_ctl_response r = { 0 };

	h->installed = true; /* no trusted.keys */
	bh_start(h, false);
	g_free(bh_wait_audit(h, "\"event\":\"usb-ready\"", NULL));
	add(h, "1-1", 0x0781, 0x5567, storage, 1, 1, "S1");
	add(h, "1-2", 0x1234, 0x0001, combo, 2, 2, "C1");
	rescan_devices(h, &r);
	tsr_ctl_response_clear(&r);
	assert_authorized(h, "1-1", "1");
	assert_authorized(h, "1-2", "0");
	g_free(bh_wait_audit(h, "\"device\":\"usb-1-1\"", "while not enrolled"));

	bh_install_signed(h);
	g_assert_true(bh_ctl(h, "reload", NULL, &r));
	tsr_ctl_response_clear(&r);
	assert_authorized(h, "1-1", "0");
	bh_free(h);
}

/* No SYSFS/bus/usb/devices (a VM without USB): the broker runs, says why host USB is
 * unavailable, and locks down a bus that appears later. */
static void test_no_usb(void)
{
	static const uint8_t storage[] = { 0x08 };
	struct bh *h = bh_new("[rule no-storage]\nclass = 0x08\naction = deny\n");
	struct tsr_ctl_response r = { 0 };
	g_autofree char *usb = g_build_filename(h->sysfs, "bus", "usb", NULL);

	g_assert_true(tsr_test_remove_tree(usb));
	bh_start(h, false);
	g_autofree char *e = bh_wait_audit(h, "\"event\":\"usb-unavailable\"", "is missing");
	g_assert_true(bh_ctl(h, "status", NULL, &r));
	g_assert_cmpstr(json_object_get_string_member(r.result, "usb_state"), ==, "unavailable");
	g_assert_false(json_object_get_boolean_member(r.result, "usb"));
	g_assert_nonnull(strstr(json_object_get_string_member(r.result, "usb_reason"),
				"bus/usb/devices is missing"));
	tsr_ctl_response_clear(&r);
	g_assert_true(bh_ctl(h, "devices", NULL, &r));
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(r.result, "devices")),
			 ==, 0);
	g_assert_cmpstr(json_object_get_string_member(r.result, "usb_state"), ==, "unavailable");
	tsr_ctl_response_clear(&r);

	/* USB turns up later (a controller is hot-added): locked down, then handled. */
	add_bus(h, "usb1");
	add(h, "1-1", 0x0781, 0x5567, storage, 1, 1, "S1");
	rescan_devices(h, &r);
	g_assert_cmpstr(json_object_get_string_member(r.result, "usb_state"), ==, "on");
	g_assert_cmpstr(owner_of(r.result, "usb-1-1"), ==, "-");
	tsr_ctl_response_clear(&r);
	assert_bus_locked(h, "usb1");
	assert_authorized(h, "1-1", "0");
	bh_free(h);
}

/* A reader whose rule says "focused" follows the focus the kiosk reports: detached from the
 * old domain, reset, attached to the new one; focus on the kiosk itself leaves it with nobody. */
static void test_focused(void)
{
	static const uint8_t ccid[] = { 0x0b };
	struct bh *h = bh_new("[rule readers]\nclass = 0x0b\naction = focused\n");
	struct tsr_ctl_response r = { 0 };
	unsigned seq;

	add(h, "1-1", 0x04e6, 0x5116, ccid, 1, 1, "R1");
	bh_start(h, true);
	g_autofree char *ready = bh_wait_audit(h, "\"event\":\"usb-ready\"", NULL);
	bh_expect(h, "session state=0 ");
	seq = bh_kiosk(h, "login alice alice-pw");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	g_assert_true(bh_ctl(h, "start", args2("name", "web", NULL, NULL), &r));
	tsr_ctl_response_clear(&r);
	g_assert_true(bh_ctl(h, "start", args2("name", "work", NULL, NULL), &r));
	tsr_ctl_response_clear(&r);
	assert_authorized(h, "1-1", "0"); /* nothing focused yet */

	seq = bh_kiosk(h, "focus web");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	g_autofree char *e1 = bh_wait_audit(h, "\"event\":\"device-attached\"", "\"domain\":\"web\"");
	bh_expect(h, "notify kind=1 domain=web");
	assert_authorized(h, "1-1", "1");

	seq = bh_kiosk(h, "focus work");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	g_autofree char *e2 = bh_wait_audit(h, "\"event\":\"device-attached\"", "\"domain\":\"work\"");
	/* In that order: taken from web, reset, given to work. */
	g_autofree char *audit = bh_audit_text(h);
	const char *det = strstr(audit, "\"event\":\"device-detached\",\"device\":\"usb-1-1\"");
	const char *rst = strstr(audit, "\"event\":\"device-reset\",\"device\":\"usb-1-1\"");
	const char *att = strstr(audit, "\"event\":\"device-attached\",\"device\":\"usb-1-1\","
				 "\"sysname\":\"1-1\",\"usb_id\":\"04e6:5116\",\"serial\":\"R1\","
				 "\"verdict\":\"focused\",\"rule\":\"readers\",\"domain\":\"work\"");
	g_assert_nonnull(det);
	g_assert_nonnull(rst);
	g_assert_nonnull(att);
	g_assert_true(det < rst && rst < att);
	g_assert_true(bh_ctl(h, "devices", NULL, &r));
	g_assert_cmpstr(owner_of(r.result, "usb-1-1"), ==, "work");
	tsr_ctl_response_clear(&r);
	/* The sim backend of web no longer lists it; work's does. */
	g_autofree char *wf = g_build_filename(h->run, "domains", "web", "usb", NULL);
	g_autofree char *kf = g_build_filename(h->run, "domains", "work", "usb", NULL);
	g_autofree char *wt = NULL, *kt = NULL;
	g_assert_true(g_file_get_contents(wf, &wt, NULL, NULL));
	g_assert_true(g_file_get_contents(kf, &kt, NULL, NULL));
	g_assert_null(strstr(wt, "usb-1-1"));
	g_assert_nonnull(strstr(kt, "usb-1-1"));

	/* Focus back on the kiosk: the reader goes to nobody. */
	seq = bh_kiosk(h, "focus ");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	g_assert_true(bh_ctl(h, "devices", NULL, &r));
	g_assert_cmpstr(owner_of(r.result, "usb-1-1"), ==, "-");
	tsr_ctl_response_clear(&r);
	assert_authorized(h, "1-1", "0");
	bh_free(h);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/broker/usb/rules-hotplug-attach-detach", test_usb);
	g_test_add_func("/broker/usb/new-bus-locked-before-its-devices", test_new_bus);
	g_test_add_func("/broker/usb/no-usb-on-host-runs-unavailable", test_no_usb);
	g_test_add_func("/broker/usb/storage-reaches-dom0-only-while-not-enrolled",
			test_not_enrolled_storage);
	g_test_add_func("/broker/usb/focused-follows-focus-with-reset", test_focused);
	return g_test_run();
}
