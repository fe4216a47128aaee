/* Device rules: a table of devices (single and composite, with and without serials, two
 * identical readers, keyboards, hubs) against a rule set; the raw descriptor parser on good
 * and broken input; and the assignment table (one domain per device, persisted). */
#include "config.h"
#include "broker/devices.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#define R(n, cls, v, p, ser, act, dom) \
	{ .name = (char *)(n), .interface_class = (cls), .vendor = (v), .product = (p), \
	  .serial = (char *)(ser), .action = (act), .domain = (char *)(dom) }

static struct tsr_policy_device_rule rules[] = {
	/* A reader with a known serial goes to "bank"; any other smart card reader to "work". */
	R("bank-reader", 0x0b, 0x04e6, 0x5116, "BANK-0001", TSR_POLICY_DEVICE_ATTACH, "bank"),
	R("readers", 0x0b, -1, -1, NULL, TSR_POLICY_DEVICE_ATTACH, "work"),
	/* Mass storage never. */
	R("no-storage", 0x08, -1, -1, NULL, TSR_POLICY_DEVICE_DENY, NULL),
	/* Audio follows focus. */
	R("audio", 0x01, -1, -1, NULL, TSR_POLICY_DEVICE_FOCUSED, NULL),
	/* A specific barcode scanner (HID) is named: it goes to work. */
	R("scanner", -1, 0x0c2e, 0x0b61, NULL, TSR_POLICY_DEVICE_ATTACH, "work"),
	/* A catch-all: vendor-specific class ff to work. It does not catch HID. */
	R("vendor-any", -1, -1, -1, NULL, TSR_POLICY_DEVICE_ATTACH, "lab"),
};

static struct tsr_policy policy = { .rules = rules, .n_rules = G_N_ELEMENTS(rules) };

struct row {
	const char *what;
	int vendor, product;
	const char *serial;
	int device_class;
	int classes[4];
	size_t n;
	enum tsr_device_verdict verdict;
	const char *domain;
	const char *rule;
};

static const struct row table[] = {
	{ "reader with the bank serial", 0x04e6, 0x5116, "BANK-0001", 0, { 0x0b }, 1,
	  TSR_DEVICE_ATTACH, "bank", "bank-reader" },
	{ "same model, other serial", 0x04e6, 0x5116, "OTHER-7", 0, { 0x0b }, 1,
	  TSR_DEVICE_ATTACH, "work", "readers" },
	{ "same model, no serial", 0x04e6, 0x5116, NULL, 0, { 0x0b }, 1, TSR_DEVICE_ATTACH, "work",
	  "readers" },
	{ "usb stick", 0x0781, 0x5567, "S1", 0, { 0x08 }, 1, TSR_DEVICE_DENY, NULL, "no-storage" },
	{ "headset (audio x3)", 0x046d, 0x0a44, NULL, 0, { 0x01, 0x01, 0x01 }, 3,
	  TSR_DEVICE_FOCUSED, NULL, "audio" },
	{ "headset with HID buttons", 0x046d, 0x0a45, NULL, 0, { 0x01, 0x01, 0x03 }, 3,
	  TSR_DEVICE_DENY, NULL, NULL },
	{ "keyboard", 0x046d, 0xc31c, NULL, 0, { 0x03, 0x03 }, 2, TSR_DEVICE_DOM0, NULL, NULL },
	{ "named scanner (HID)", 0x0c2e, 0x0b61, "X", 0, { 0x03 }, 1, TSR_DEVICE_ATTACH, "work",
	  "scanner" },
	{ "reader + storage composite", 0x1050, 0x0407, NULL, 0, { 0x0b, 0x08 }, 2,
	  TSR_DEVICE_DENY, NULL, "no-storage" },
	{ "reader + audio composite (disagree)", 0x1111, 0x2222, NULL, 0, { 0x0b, 0x01 }, 2,
	  TSR_DEVICE_DENY, NULL, "audio" },
	{ "bank reader + vendor iface (disagree)", 0x04e6, 0x5116, "BANK-0001", 0, { 0x0b, 0xff },
	  2, TSR_DEVICE_DENY, NULL, "vendor-any" },
	{ "yubikey-like: HID + CCID", 0x1050, 0x0407, NULL, 0, { 0x03, 0x0b }, 2,
	  TSR_DEVICE_DENY, NULL, NULL },
	{ "vendor-specific", 0x1234, 0x5678, NULL, 0, { 0xff }, 1, TSR_DEVICE_ATTACH, "lab",
	  "vendor-any" },
	{ "hub", 0x05e3, 0x0608, NULL, 0x09, { 0x09 }, 1, TSR_DEVICE_DOM0, NULL, NULL },
	{ "no interfaces", 0x1234, 0x0001, NULL, 0, { 0 }, 0, TSR_DEVICE_DENY, NULL, NULL },
};

static void test_table(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(table); i++) {
		const struct row *r = &table[i];
		struct tsr_usb_dev dev = { .vendor = r->vendor, .product = r->product,
					   .serial = (char *)r->serial,
					   .device_class = r->device_class, .n_interfaces = r->n };
		struct tsr_device_decision d;

		memcpy(dev.interface_class, r->classes, sizeof(r->classes));
		tsr_devices_decide(&policy, &dev, &d);
		g_test_message("%s: %s (%s)", r->what, tsr_device_verdict_name(d.verdict), d.reason);
		if (d.verdict != r->verdict || g_strcmp0(d.domain, r->domain) != 0 ||
		    g_strcmp0(d.rule, r->rule) != 0)
			g_error("%s: got %s %s rule %s (%s), want %s %s rule %s", r->what,
				tsr_device_verdict_name(d.verdict), d.domain ? d.domain : "-",
				d.rule ? d.rule : "-", d.reason, tsr_device_verdict_name(r->verdict),
				r->domain ? r->domain : "-", r->rule ? r->rule : "-");
		g_assert_cmpuint(strlen(d.reason), >, 0);
	}
}

static void test_no_rules(void)
{
	struct tsr_policy empty = { 0 };
	struct tsr_usb_dev dev = { .vendor = 1, .product = 2, .n_interfaces = 1,
				   .interface_class = { 0x0b } };
	struct tsr_device_decision d;

	tsr_devices_decide(&empty, &dev, &d);
	g_assert_cmpint(d.verdict, ==, TSR_DEVICE_DENY);
	dev.interface_class[0] = 0x03;
	tsr_devices_decide(&empty, &dev, &d);
	g_assert_cmpint(d.verdict, ==, TSR_DEVICE_DOM0);
}

/* A CCID reader: device descriptor + one configuration with one interface (class 0b). */
static GByteArray *reader_descriptors(int extra_alt_class)
{
	static const uint8_t dev[18] = { 18, 1, 0x00, 0x02, 0, 0, 0, 64, 0xe6, 0x04, 0x16, 0x51,
					 0x00, 0x01, 1, 2, 3, 1 };
	GByteArray *b = g_byte_array_new();
	uint8_t cfg[9] = { 9, 2, 0, 0, 1, 1, 0, 0x80, 50 };
	uint8_t intf[9] = { 9, 4, 0, 0, 1, 0x0b, 0, 0, 0 };
	uint8_t ep[7] = { 7, 5, 0x81, 3, 8, 0, 10 };
	uint8_t ccid[4] = { 4, 0x21, 0x10, 0x01 }; /* a class-specific descriptor, skipped */
	size_t total = 9 + 9 + 4 + 7 + (extra_alt_class >= 0 ? 9 : 0);

	cfg[2] = (uint8_t)total;
	g_byte_array_append(b, dev, 18);
	g_byte_array_append(b, cfg, 9);
	g_byte_array_append(b, intf, 9);
	g_byte_array_append(b, ccid, 4);
	g_byte_array_append(b, ep, 7);
	if (extra_alt_class >= 0) {
		intf[3] = 1; /* alternate setting 1 */
		intf[5] = (uint8_t)extra_alt_class;
		g_byte_array_append(b, intf, 9);
	}
	return b;
}

static void test_descriptors(void)
{
	g_autoptr(GError) error = NULL;
	struct tsr_usb_dev dev = { 0 };
	GByteArray *b = reader_descriptors(-1);

	g_assert_true(tsr_usb_parse_descriptors(b->data, b->len, &dev, &error));
	g_assert_no_error(error);
	g_assert_cmpint(dev.vendor, ==, 0x04e6);
	g_assert_cmpint(dev.product, ==, 0x5116);
	g_assert_cmpuint(dev.n_interfaces, ==, 1);
	g_assert_cmpint(dev.interface_class[0], ==, 0x0b);
	g_byte_array_unref(b);

	/* An alternate setting with another class counts: the device is judged by all of them. */
	b = reader_descriptors(0x08);
	g_assert_true(tsr_usb_parse_descriptors(b->data, b->len, &dev, &error));
	g_assert_cmpuint(dev.n_interfaces, ==, 2);
	struct tsr_device_decision d;
	tsr_devices_decide(&policy, &dev, &d);
	g_assert_cmpint(d.verdict, ==, TSR_DEVICE_DENY);

	/* Broken forms: each refused with a reason, dev untouched. */
	struct tsr_usb_dev before = dev;
	for (size_t cut = 0; cut < b->len; cut++) {
		g_clear_error(&error);
		bool ok = tsr_usb_parse_descriptors(b->data, cut, &dev, &error);
		if (ok) /* a prefix that ends exactly after a whole configuration would be fine */
			g_error("truncated at %zu accepted", cut);
		g_assert_nonnull(error);
	}
	g_assert_true(memcmp(&before, &dev, sizeof(dev)) == 0);
	/* A descriptor of length 0 inside the configuration (would loop forever). */
	b->data[18 + 9 + 9] = 0;
	g_clear_error(&error);
	g_assert_false(tsr_usb_parse_descriptors(b->data, b->len, &dev, &error));
	g_assert_nonnull(strstr(error->message, "bad length"));
	/* wTotalLength lying past the end. */
	g_byte_array_unref(b);
	b = reader_descriptors(-1);
	b->data[18 + 2] = 200;
	g_clear_error(&error);
	g_assert_false(tsr_usb_parse_descriptors(b->data, b->len, &dev, &error));
	g_assert_nonnull(strstr(error->message, "claims"));
	g_byte_array_unref(b);
}

static void test_assignments(void)
{
	struct tsr_device_table *t = tsr_device_table_create();
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp("tsr-dev-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "devices.json", NULL);

	/* Two identical readers are two devices. */
	g_assert_true(tsr_device_table_assign(t, "usb-1-4", "work", &error));
	g_assert_true(tsr_device_table_assign(t, "usb-1-5", "work", &error));
	g_assert_true(tsr_device_table_assign(t, "usb-1-4", "work", &error));
	/* One domain at a time. */
	g_assert_false(tsr_device_table_assign(t, "usb-1-4", "bank", &error));
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_BUSY);
	g_assert_nonnull(strstr(error->message, "work"));
	g_clear_error(&error);
	g_assert_cmpstr(tsr_device_table_owner(t, "usb-1-4"), ==, "work");
	g_auto(GStrv) of = tsr_device_table_of_domain(t, "work");
	g_assert_cmpuint(g_strv_length(of), ==, 2);
	/* Moving: release, then assign elsewhere. */
	g_autofree char *was = tsr_device_table_release(t, "usb-1-4");
	g_assert_cmpstr(was, ==, "work");
	g_assert_true(tsr_device_table_assign(t, "usb-1-4", "bank", &error));
	g_assert_cmpstr(tsr_device_table_owner(t, "usb-1-5"), ==, "work");

	/* Persisted and restored. */
	g_assert_true(tsr_device_table_save(t, path, &error));
	struct tsr_device_table *t2 = tsr_device_table_create();
	g_assert_true(tsr_device_table_load(t2, path, &error));
	g_assert_cmpstr(tsr_device_table_owner(t2, "usb-1-4"), ==, "bank");
	g_assert_cmpstr(tsr_device_table_owner(t2, "usb-1-5"), ==, "work");
	/* A malformed file is refused and leaves the table empty. */
	g_assert_true(g_file_set_contents(path, "{\"usb-1-4\": 5}", -1, NULL));
	g_assert_false(tsr_device_table_load(t2, path, &error));
	g_assert_nonnull(error);
	g_assert_null(tsr_device_table_owner(t2, "usb-1-5"));
	g_unlink(path);
	g_rmdir(dir);
	tsr_device_table_destroy(t2);
	tsr_device_table_destroy(t);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/broker/devices/rule-table", test_table);
	g_test_add_func("/broker/devices/no-rules-deny", test_no_rules);
	g_test_add_func("/broker/devices/descriptors-parse-and-refuse", test_descriptors);
	g_test_add_func("/broker/devices/assignment-table", test_assignments);
	return g_test_run();
}
