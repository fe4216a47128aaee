/* tests/unit/policy-parse-test.c: the policy source parser, its lookups and the canonical form.
 *
 * The example in doc/examples/policy must load; each broken variant of it must fail with an
 * error that starts with the expected file:line, so an admin is sent to the right place. */
#include "policy/policy.h"
#include "tests/harness/tree.h"
#include "tests/harness/cases.h"

#include <glib/gstdio.h>
#include <linux/input-event-codes.h>
#include <string.h>

static char *example_dir(void)
{
	return g_build_filename(g_getenv("TSR_SRCDIR") ? g_getenv("TSR_SRCDIR") : TSR_SRCDIR, "doc",
	                        "examples", "policy", NULL);
}

static void copy_tree(const char *from, const char *to)
{
	g_assert_cmpint(g_mkdir_with_parents(to, 0700), ==, 0);
	GDir *d = g_dir_open(from, 0, NULL);
	g_assert_nonnull(d);
	for (const char *e; (e = g_dir_read_name(d));) {
		char *src = g_build_filename(from, e, NULL);
		char *dst = g_build_filename(to, e, NULL);
		if (g_file_test(src, G_FILE_TEST_IS_DIR)) {
			copy_tree(src, dst);
		} else {
			char *data = NULL;
			gsize len = 0;
			g_assert_true(g_file_get_contents(src, &data, &len, NULL));
			g_assert_true(g_file_set_contents(dst, data, (gssize)len, NULL));
			g_free(data);
		}
		g_free(src);
		g_free(dst);
	}
	g_dir_close(d);
}

static void test_example_loads(void)
{
	char *dir = example_dir();
	GError *error = NULL;
	struct tsr_policy *p = tsr_policy_load_dir(dir, &error);
	g_assert_no_error(error);
	g_assert_nonnull(p);
	g_assert_cmpstr(p->organization, ==, "example-org");
	g_assert_cmpuint(p->n_domains, ==, 3);
	g_assert_cmpuint(p->n_laptop_groups, ==, 2);
	g_assert_cmpuint(p->lease_grace_days, ==, 3);

	const struct tsr_policy_domain *work = tsr_policy_find_domain(p, "work");
	g_assert_nonnull(work);
	g_assert_cmpint(work->colour, ==, TSR_POLICY_COLOUR_BLUE);
	g_assert_cmpint(work->backend, ==, TSR_POLICY_BACKEND_XEN);
	g_assert_cmpuint(work->memory_mib, ==, 4096);
	g_assert_false(work->disposable);
	g_assert_cmpstr(work->device_model.user, ==, "tsr-dm-work");
	const struct tsr_policy_domain *web = tsr_policy_find_domain(p, "web");
	g_assert_true(web->disposable);
	g_assert_cmpint(web->device_model.uid, ==, 70001);
	g_assert_cmpstr(web->label, ==, "Web (disposable)");
	g_assert_cmpint(web->firmware, ==, TSR_POLICY_FIRMWARE_UEFI);
	g_assert_true(web->firmware_given);
	g_assert_cmpint(web->disk_bus, ==, TSR_POLICY_DISK_BUS_VIRTIO);
	g_assert_null(web->kernel);
	g_assert_null(web->cdrom);
	g_assert_cmpint(work->firmware, ==, TSR_POLICY_FIRMWARE_BIOS);
	g_assert_true(work->firmware_given);
	g_assert_false(tsr_policy_find_domain(p, "lab")->firmware_given);
	g_assert_null(tsr_policy_find_domain(p, "nope"));

	/* Access: by domain groups, by group domains, by user domains; nothing else. */
	g_assert_true(tsr_policy_user_may_use(p, "alice", "work"));
	g_assert_false(tsr_policy_user_may_use(p, "alice", "lab"));
	g_assert_true(tsr_policy_user_may_use(p, "bob", "lab"));
	g_assert_true(tsr_policy_user_may_use(p, "admin", "lab"));
	g_assert_false(tsr_policy_user_may_use(p, "admin", "work"));
	g_assert_false(tsr_policy_user_may_use(p, "mallory", "work"));
	const struct tsr_policy_domain *list[8];
	g_assert_cmpuint(tsr_policy_user_domains(p, "bob", list, 8), ==, 3);

	/* Device rules: first match wins, no match is NULL (deny). */
	struct tsr_policy_usb_interface card = {0x04e6, 0x5116, NULL, 0x0b};
	const struct tsr_policy_device_rule *r = tsr_policy_match_device(p, &card);
	g_assert_nonnull(r);
	g_assert_cmpint(r->action, ==, TSR_POLICY_DEVICE_FOCUSED);
	struct tsr_policy_usb_interface stick = {0x0781, 0x5581, "4C530001230920117312", 0x08};
	r = tsr_policy_match_device(p, &stick);
	g_assert_cmpstr(r->name, ==, "work-stick");
	g_assert_cmpstr(r->domain, ==, "work");
	stick.serial = "OTHER";
	r = tsr_policy_match_device(p, &stick);
	g_assert_cmpint(r->action, ==, TSR_POLICY_DEVICE_DENY);
	struct tsr_policy_usb_interface hid = {0x046d, 0xc077, NULL, 0x03};
	g_assert_null(tsr_policy_match_device(p, &hid));

	g_assert_cmpuint(p->kiosk.n_hotkeys, ==, 5);
	/* Typed: key codes and modifier sets, as the kiosk's router matches them. */
	g_assert_cmpuint(p->kiosk.keys.sas.code, ==, KEY_BACKSPACE);
	g_assert_cmpuint(p->kiosk.keys.sas.mods, ==, TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_ALT);
	g_assert_cmpuint(p->kiosk.keys.lock.code, ==, KEY_L);
	g_assert_cmpuint(p->kiosk.keys.cycle_back.mods, ==,
	                 TSR_POLICY_MOD_SUPER | TSR_POLICY_MOD_SHIFT);
	g_assert_cmpuint(p->kiosk.keys.focus_mods, ==, TSR_POLICY_MOD_SUPER);
	g_assert_cmpstr(p->kiosk.keymap.layout, ==, "us,de");
	g_assert_cmpint(p->kiosk.console, ==, TSR_POLICY_CONSOLE_VIEW);
	g_assert_cmpuint(p->kiosk.keys.copy.code, ==, KEY_C);
	g_assert_cmpuint(p->kiosk.keys.paste.mods, ==, TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_SHIFT);
	g_assert_cmpuint(p->kiosk.keys.output_left.code, ==, KEY_LEFT);
	g_assert_cmpuint(p->kiosk.keys.output_right.mods, ==,
	                 TSR_POLICY_MOD_SUPER | TSR_POLICY_MOD_SHIFT);

	/* The clipboard: the allow list and the rule section, deny by default, `*` for any. */
	g_assert_cmpuint(p->clipboard.max_bytes, ==, 64000);
	g_assert_cmpuint(p->clipboard.n_flows, ==, 3);
	static const struct { const char *from, *to; bool allowed; } flows[] = {
		{"work", "web", true}, {"web", "work", true}, {"work", "lab", true},
		{"web", "lab", true}, {"lab", "work", false}, {"lab", "web", false},
		{"lab", "lab", true}, {"work", NULL, false},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(flows); i++)
		if (tsr_policy_clipboard_allows(p, flows[i].from, flows[i].to) != flows[i].allowed)
			g_error("clipboard %s -> %s: expected %s", flows[i].from, flows[i].to,
			        flows[i].allowed ? "allowed" : "refused");
	g_assert_false(tsr_policy_find_domain(p, "lab")->console_clipboard);
	tsr_policy_free(p);
	g_free(dir);
}

static void test_canonical(void)
{
	char *dir = example_dir();
	GError *error = NULL;
	struct tsr_policy *p = tsr_policy_load_dir(dir, &error);
	g_assert_no_error(error);
	size_t len = 0;
	/* preload and agent travel too (the example sets neither: set them here). */
	((struct tsr_policy_domain *)tsr_policy_find_domain(p, "web"))->preload = true;
	((struct tsr_policy_domain *)tsr_policy_find_domain(p, "web"))->agent = true;
	((struct tsr_policy_domain *)tsr_policy_find_domain(p, "web"))->video = TSR_POLICY_VIDEO_VIRTIO;
	char *office = tsr_policy_canonical(p, "office", &len, &error);
	g_assert_no_error(error);
	/* The office bundle carries neither the lab domain nor lab-only people. */
	struct tsr_policy *q = tsr_policy_load_canonical(office, len, &error);
	g_assert_no_error(error);
	g_assert_nonnull(q);
	g_assert_cmpstr(q->laptop_group, ==, "office");
	g_assert_cmpuint(q->n_domains, ==, 2);
	g_assert_null(tsr_policy_find_domain(q, "lab"));
	g_assert_null(tsr_policy_find_user(q, "admin"));
	g_assert_nonnull(tsr_policy_find_user(q, "bob"));
	g_assert_false(tsr_policy_user_may_use(q, "bob", "lab"));
	/* The lab-scope rule became deny instead of disappearing. */
	struct tsr_policy_usb_interface scope = {0x1ab1, 0x04ce, NULL, 0xff};
	const struct tsr_policy_device_rule *r = tsr_policy_match_device(q, &scope);
	g_assert_nonnull(r);
	g_assert_cmpint(r->action, ==, TSR_POLICY_DEVICE_DENY);
	g_assert_cmpuint(q->n_templates, ==, 2);
	/* The boot settings travel in the bundle. */
	g_assert_cmpint(tsr_policy_find_domain(q, "web")->firmware, ==, TSR_POLICY_FIRMWARE_UEFI);
	g_assert_true(tsr_policy_find_domain(q, "web")->firmware_given);
	g_assert_true(tsr_policy_find_domain(q, "web")->preload);
	g_assert_false(tsr_policy_find_domain(q, "work")->preload);
	g_assert_true(tsr_policy_find_domain(q, "web")->agent);
	g_assert_cmpint(tsr_policy_find_domain(q, "web")->video, ==, TSR_POLICY_VIDEO_VIRTIO);
	g_assert_cmpint(tsr_policy_find_domain(q, "work")->video, ==, TSR_POLICY_VIDEO_STD);
	g_assert_false(tsr_policy_find_domain(q, "work")->agent);
	/* The clipboard flows that name only carried domains (or `*`) travel. */
	g_assert_cmpuint(q->clipboard.n_flows, ==, 2);
	g_assert_true(tsr_policy_clipboard_allows(q, "web", "work"));
	g_assert_true(tsr_policy_clipboard_allows(q, "work", "web"));
	g_assert_false(tsr_policy_clipboard_allows(q, "work", "lab"));
	g_assert_cmpstr(q->clipboard.flows[1].name, ==, "web-to-work");
	size_t lab_len = 0;
	char *lab = tsr_policy_canonical(p, "lab", &lab_len, &error);
	g_assert_no_error(error);
	struct tsr_policy *l = tsr_policy_load_canonical(lab, lab_len, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(l->clipboard.n_flows, ==, 3);
	g_assert_true(tsr_policy_clipboard_allows(l, "web", "lab"));
	tsr_policy_free(l);
	g_free(lab);
	/* Canonical is a fixed point and deterministic. */
	size_t len2 = 0;
	char *again = tsr_policy_canonical(q, NULL, &len2, &error);
	g_assert_no_error(error);
	g_assert_cmpmem(office, len, again, len2);
	char *twice = tsr_policy_canonical(p, "office", &len2, &error);
	g_assert_cmpmem(office, len, twice, len2);
	g_assert_null(tsr_policy_canonical(p, "nosuch", &len2, &error));
	g_assert_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_REFERENCE);
	g_clear_error(&error);
	/* A bundle may not carry laptop groups, and must have [policy]. */
	g_assert_null(tsr_policy_load_canonical("[laptop-group x]\ndomains=a\n", 27, &error));
	g_assert_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_UNKNOWN);
	g_clear_error(&error);
	g_free(office);
	g_free(again);
	g_free(twice);
	tsr_policy_free(q);
	tsr_policy_free(p);
	g_free(dir);
}

static void test_lease(void)
{
	struct tsr_policy p = {0};
	int64_t days = 0;
	g_assert_cmpint(tsr_policy_lease_state(&p, 123, &days), ==, TSR_POLICY_LEASE_VALID);
	p.valid_from = 1000000;
	p.valid_until = p.valid_from + 10 * 86400;
	p.lease_grace_days = 2;
	g_assert_cmpint(tsr_policy_lease_state(&p, p.valid_from - 1, &days), ==,
	                TSR_POLICY_LEASE_NOT_YET_VALID);
	g_assert_cmpint(tsr_policy_lease_state(&p, p.valid_from, &days), ==, TSR_POLICY_LEASE_VALID);
	g_assert_cmpint(days, ==, 12);
	g_assert_cmpint(tsr_policy_lease_state(&p, p.valid_until, &days), ==, TSR_POLICY_LEASE_GRACE);
	g_assert_cmpint(days, ==, 2);
	g_assert_cmpint(tsr_policy_lease_state(&p, p.valid_until + 2 * 86400 - 1, &days), ==,
	                TSR_POLICY_LEASE_GRACE);
	g_assert_cmpint(days, ==, 0);
	g_assert_cmpint(tsr_policy_lease_state(&p, p.valid_until + 2 * 86400, &days), ==,
	                TSR_POLICY_LEASE_EXPIRED);
	g_assert_cmpint(days, ==, 0);
	g_assert_cmpint(tsr_policy_lease_state(&p, p.valid_until + 3 * 86400 + 1, &days), ==,
	                TSR_POLICY_LEASE_EXPIRED);
	g_assert_cmpint(days, ==, -2);

	/* What the login screen says. */
	char *m = tsr_policy_lease_message(TSR_POLICY_LEASE_EXPIRED, days);
	g_assert_nonnull(strstr(m, "connect it to the network"));
	g_free(m);
	m = tsr_policy_lease_message(TSR_POLICY_LEASE_GRACE, 2);
	g_assert_nonnull(strstr(m, "logins stop in 2 day(s)"));
	g_free(m);
	m = tsr_policy_lease_message(TSR_POLICY_LEASE_VALID, 5);
	g_assert_nonnull(strstr(m, "within 5 day(s)"));
	g_free(m);
	g_assert_null(tsr_policy_lease_message(TSR_POLICY_LEASE_VALID, 30));
}

/* A broken variant: in file, replace `from` with `to`. */
struct broken {
	const char *name;
	const char *file;
	const char *from;
	const char *to;
	const char *expect; /* the error must start with this */
	const char *mention; /* and contain this */
};

static const struct broken broken_cases[] = {
	{"unknown-key", "domains/work.conf", "vcpus = 2", "vcpus = 2\ncpus = 4",
	 "domains/work.conf:8: [domain work] cpus:", "unknown key"},
	{"missing-colour", "domains/web.conf", "colour = red\n", "", "domains/web.conf:2: [domain web]",
	 "colour"},
	{"bad-colour", "domains/web.conf", "colour = red", "colour = pink",
	 "domains/web.conf:4: [domain web] colour:", "not one of"},
	{"memory-zero", "domains/work.conf", "memory-mib = 4096", "memory-mib = 0",
	 "domains/work.conf:6: [domain work] memory-mib:", "whole number"},
	{"memory-huge", "domains/work.conf", "memory-mib = 4096", "memory-mib = 99999999999",
	 "domains/work.conf:6: [domain work] memory-mib:", "whole number"},
	{"memory-negative", "domains/work.conf", "memory-mib = 4096", "memory-mib = -5",
	 "domains/work.conf:6: [domain work] memory-mib:", "whole number"},
	{"name-slash", "domains/lab.conf", "[domain lab]", "[domain ../lab]",
	 "domains/lab.conf:2: [domain ../lab]", "no '/'"},
	{"name-space", "users.conf", "[user bob]", "[user bob smith]", "users.conf:10: [user bob smith]",
	 "no '/' or spaces"},
	{"user-unknown-group", "users.conf", "groups = staff;lab", "groups = staff;labs",
	 "users.conf:13: [user bob] groups:", "no group named 'labs'"},
	{"user-unknown-domain", "users.conf", "domains = lab", "domains = lab2",
	 "users.conf:18: [user admin] domains:", "no domain named 'lab2'"},
	{"rule-unknown-domain", "devices.conf", "domain = lab", "domain = lba",
	 "devices.conf:14: [rule lab-scope] domain:", "no domain named 'lba'"},
	{"template-not-pinned", "domains/web.conf", "template = debian-web", "template = debian-old",
	 "domains/web.conf:8: [domain web] template:", "not pinned"},
	{"template-no-sha", "templates.conf", "sha256 = 9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0\n",
	 "", "templates.conf:10: [template debian-web]", "sha256"},
	{"template-bad-sha", "templates.conf", "sha256 = 3b1f", "sha256 = zz1f",
	 "templates.conf:7: [template debian-work] sha256:", "hex"},
	{"dup-group", "groups.conf", "[group lab]", "[group staff]", "groups.conf:6:",
	 "defined twice"},
	{"dup-key", "domains/lab.conf", "network = none", "network = none\nnetwork = user",
	 "domains/lab.conf:8: [domain lab] network:", "twice"},
	{"dup-domain-across-files", "domains/lab.conf", "[domain lab]", "[domain web]",
	 "domains/lab.conf:2: [domain web]", "defined twice"},
	{"bad-password", "users.conf", "password = $argon2id$v=19$m=65536,t=2,p=1$cDbh6SER5m/+7+8lB6wGGw$j6crCCLhUH2NCnOAz/H2ZwdYg1ilA/a/Srtvqh8uT2w\ngroups = staff;lab",
	 "password = hunter2\ngroups = staff;lab", "users.conf:12: [user bob] password:", "argon2id"},
	{"syntax", "groups.conf", "[group lab]", "[group lab", "groups.conf:6:", "not a '[group]'"},
	{"wrong-file", "users.conf", "[user admin]", "[domain admin]", "users.conf:15: [domain admin]",
	 "unexpected group"},
	{"attach-without-domain", "devices.conf", "action = attach\ndomain = lab", "action = attach",
	 "devices.conf:13: [rule lab-scope] action:", "needs 'domain"},
	{"laptop-group-unknown-domain", "policy.conf", "domains = work;web\ngroups = staff",
	 "domains = work;webb\ngroups = staff", "policy.conf:38: [laptop-group office] domains:",
	 "no domain named 'webb'"},
	{"root-viewer", "domains/work.conf", "viewer-user = tsr-view-work", "viewer-user = root",
	 "domains/work.conf:15: [domain work] viewer-user:", "root"},
	{"uid-zero", "domains/web.conf", "viewer-uid = 70101", "viewer-uid = 0",
	 "domains/web.conf:14: [domain web] viewer-uid:", "whole number"},
	{"viewer-uid-is-device-model-uid", "domains/web.conf", "viewer-uid = 70101",
	 "viewer-uid = 70001", "domains/web.conf:14: [domain web] viewer-uid:",
	 "device model's uid 70001"},
	{"viewer-uid-is-other-domains-device-model", "domains/work.conf",
	 "viewer-user = tsr-view-work", "viewer-uid = 70001\nviewer-gid = 70001",
	 "domains/work.conf:15: [domain work] viewer-uid:", "domain web's device-model-uid"},
	{"device-model-user-is-other-domains", "domains/work.conf",
	 "device-model-user = tsr-dm-work", "device-model-uid = 70101\ndevice-model-gid = 70101",
	 "domains/work.conf:14: [domain work] device-model-uid:", "domain web's viewer-uid"},
	{"viewer-user-same-name", "domains/work.conf", "viewer-user = tsr-view-work",
	 "viewer-user = tsr-dm-work", "domains/work.conf:15: [domain work] viewer-user:",
	 "device model's user 'tsr-dm-work'"},
	{"hotkey-unknown", "policy.conf", "lock = Super+L", "lokc = Super+L",
	 "policy.conf:30: [hotkeys] lokc:", "unknown hotkey"},
	{"hotkey-duplicate", "policy.conf", "layout = Super+Space", "layout = Super+Tab",
	 "policy.conf:33: [hotkeys] layout:", "already bound"},
	{"sas-none", "policy.conf", "sas = Ctrl+Alt+Backspace", "sas = none",
	 "policy.conf:17: [kiosk] sas:", "cannot be none"},
	{"sas-unknown-key", "policy.conf", "sas = Ctrl+Alt+Backspace", "sas = Ctrl+Alt+Bogus",
	 "policy.conf:17: [kiosk] sas:", "hotkey \"Ctrl+Alt+Bogus\": unknown key \"Bogus\""},
	{"sas-no-modifier", "policy.conf", "sas = Ctrl+Alt+Backspace", "sas = Backspace",
	 "policy.conf:17: [kiosk] sas:", "has no modifier"},
	{"hotkey-unknown-key", "policy.conf", "lock = Super+L", "lock = Super+Nosuchkey",
	 "policy.conf:30: [hotkeys] lock:", "unknown key \"Nosuchkey\""},
	{"hotkey-modifier-as-key", "policy.conf", "lock = Super+L", "lock = Super+LeftCtrl",
	 "policy.conf:30: [hotkeys] lock:", "is a modifier key"},
	{"hotkey-same-as-sas", "policy.conf", "lock = Super+L", "lock = ctrl+alt+backspace",
	 "policy.conf:30: [hotkeys] lock:", "both"},
	{"hotkey-is-focus-key", "policy.conf", "layout = Super+Space", "layout = Super+3",
	 "policy.conf:33: [hotkeys] layout:", "also a focus hotkey"},
	{"hotkey-sas-in-hotkeys", "policy.conf", "lock = Super+L", "sas = Ctrl+Alt+Delete",
	 "policy.conf:30: [hotkeys] sas:", "[kiosk]"},
	{"focus-modifiers-with-key", "policy.conf", "focus-modifiers = Super",
	 "focus-modifiers = Super+1", "policy.conf:34: [hotkeys] focus-modifiers:",
	 "only modifiers"},
	{"keymap-unknown-key", "policy.conf", "rules = evdev", "language = de",
	 "policy.conf:23: [keymap] language:", "unknown key"},
	{"click-to-focus-not-bool", "policy.conf", "locked-requires-sas = true",
	 "locked-requires-sas = true\nclick-to-focus = maybe",
	 "policy.conf:21: [kiosk] click-to-focus:", "true or false"},
	{"no-organization", "policy.conf", "organization = example-org\n", "",
	 "policy.conf:4: [policy]", "organization"},
	{"uefi-on-xen", "domains/work.conf", "firmware = bios", "firmware = uefi",
	 "domains/work.conf:16: [domain work] firmware:", "not supported on xen"},
	{"disk-bus-on-xen", "domains/work.conf", "firmware = bios", "firmware = bios\ndisk-bus = sata",
	 "domains/work.conf:17: [domain work] disk-bus:", "backend qemu"},
	{"video-on-xen", "domains/work.conf", "firmware = bios", "firmware = bios\nvideo = virtio",
	 "domains/work.conf:17: [domain work] video:", "backend qemu"},
	{"bad-disk-bus", "domains/web.conf", "firmware = uefi", "disk-bus = scsi",
	 "domains/web.conf:16: [domain web] disk-bus:", "not one of"},
	{"bad-firmware", "domains/web.conf", "firmware = uefi", "firmware = coreboot",
	 "domains/web.conf:16: [domain web] firmware:", "not one of"},
	{"kernel-with-uefi", "domains/web.conf", "firmware = uefi",
	 "firmware = uefi\nkernel = debian-web", "domains/web.conf:17: [domain web] kernel:",
	 "SeaBIOS"},
	{"kernel-with-cdrom", "domains/web.conf", "firmware = uefi",
	 "cdrom = debian-web\nkernel = debian-web", "domains/web.conf:16: [domain web] cdrom:",
	 "never boots its install media"},
	{"cdrom-without-disk", "domains/web.conf", "template = debian-web", "cdrom = debian-web",
	 "domains/web.conf:8: [domain web] cdrom:", "need a disk"},
	{"cdrom-not-pinned", "domains/web.conf", "firmware = uefi",
	 "firmware = uefi\ncdrom = debian-12-netinst", "domains/web.conf:17: [domain web] cdrom:",
	 "not pinned"},
	{"kernel-not-pinned", "domains/web.conf", "firmware = uefi", "kernel = guest-vmlinuz",
	 "domains/web.conf:16: [domain web] kernel:", "not pinned"},
	{"initrd-without-kernel", "domains/web.conf", "firmware = uefi",
	 "firmware = uefi\ninitrd = debian-web", "domains/web.conf:17: [domain web] initrd:",
	 "kernel = TEMPLATE"},
	{"cmdline-quotes", "domains/web.conf", "firmware = uefi",
	 "kernel = debian-web\ncmdline = init=\"/bin/sh\"",
	 "domains/web.conf:17: [domain web] cmdline:", "quotes"},
	{"sim-with-firmware", "domains/lab.conf", "groups = lab", "groups = lab\nfirmware = bios",
	 "domains/lab.conf:9: [domain lab] firmware:", "no virtual machine"},
	{"bool", "users.conf", "console = true", "console = yes", "users.conf:19: [user admin] console:",
	 "true or false"},
	{"console-clipboard-not-bool", "domains/lab.conf", "groups = lab",
	 "groups = lab\nconsole-clipboard = yes", "domains/lab.conf:9: [domain lab] console-clipboard:",
	 "true or false"},
	{"preload-not-bool", "domains/lab.conf", "groups = lab", "groups = lab\npreload = 1",
	 "domains/lab.conf:9: [domain lab] preload:", "true or false"},
	{"video-unknown", "domains/lab.conf", "groups = lab", "groups = lab\nvideo = qxl",
	 "domains/lab.conf:9: [domain lab] video:", "std"},
	{"agent-not-bool", "domains/lab.conf", "groups = lab", "groups = lab\nagent = spice",
	 "domains/lab.conf:9: [domain lab] agent:", "true or false"},
	{"preload-without-display", "domains/lab.conf", "groups = lab",
	 "groups = lab\ndisplay = none\npreload = true", "domains/lab.conf:10: [domain lab] preload:",
	 "first frame"},
};

/* Broken variants of policy.conf's clipboard part: replace `from` with `to`; the error must
 * start with "policy.conf:LINE: GROUP_KEY" and contain mention. */
struct broken_clipboard {
	const char *name, *from, *to;
	int line;
	const char *group_key, *mention;
};

static const struct broken_clipboard clipboard_cases[] = {
	{"unknown-domain", "allow = work -> web;", "allow = work -> wbe;", 51,
	 "[clipboard] allow:", "no domain named 'wbe'"},
	{"not-a-flow", "allow = work -> web;", "allow = work => web;", 51, "[clipboard] allow:",
	 "'FROM -> TO'"},
	{"two-arrows", "allow = work -> web;", "allow = work -> web -> lab;", 51,
	 "[clipboard] allow:", "'FROM -> TO'"},
	{"to-itself", "allow = work -> web;", "allow = work -> work;", 51, "[clipboard] allow:",
	 "to itself"},
	{"listed-twice", "* -> lab", "* -> lab; work->web", 51, "[clipboard] allow:",
	 "listed twice"},
	{"bad-name", "* -> lab", "* -> la/b", 51, "[clipboard] allow:", "a domain name or '*'"},
	{"max-bytes-zero", "max-bytes = 64000", "max-bytes = 0", 50, "[clipboard] max-bytes:",
	 "whole number from 1 to 1048576"},
	{"unknown-key", "max-bytes = 64000", "max-bytes = 64000\nmax = 5", 51,
	 "[clipboard] max:", "unknown key"},
	{"rule-key-twice", "to = work", "to = work\nto = lab", 57,
	 "[clipboard-rule web-to-work] to:", "twice"},
	{"rule-unknown-domain", "from = web", "from = webb", 55,
	 "[clipboard-rule web-to-work] from:", "no domain named 'webb'"},
	{"rule-without-to", "to = work\n", "", 54, "[clipboard-rule web-to-work]", "'to'"},
	{"rule-to-itself", "to = work", "to = web", 56, "[clipboard-rule web-to-work] to:",
	 "to itself"},
	{"rule-unknown-key", "to = work", "to = work\nsize = 5", 57,
	 "[clipboard-rule web-to-work] size:", "unknown key"},
	{"copy-hotkey-collides", "layout = Super+Space", "layout = Super+Space\ncopy = Super+L",
	 34, "[hotkeys] copy:", "already bound"},
	{"paste-hotkey-is-copy", "layout = Super+Space",
	 "layout = Super+Space\npaste = Ctrl+Shift+C", 34, "[hotkeys] paste:", "both"},
};

/* Broken variants of the example's [power] group, checked the same way. */
static const struct broken_clipboard power_cases[] = {
	{"lid-unknown-word", "lid = suspend", "lid = sleep", 61, "[power] lid:",
	 "'sleep' is not one of: lock, suspend, ignore"},
	{"lid-empty", "lid = suspend", "lid =", 61, "[power] lid:", "empty value"},
	{"lid-resume-unknown-word", "resume = after-unlock", "resume = later", 62,
	 "[power] resume:", "not one of: after-unlock, at-once"},
	{"lid-unknown-key", "resume = after-unlock", "resume = after-unlock\nidle = 5", 63,
	 "[power] idle:", "unknown key"},
	{"lid-key-twice", "lid = suspend", "lid = suspend\nlid = lock", 62, "[power] lid:",
	 "twice"},
	{"blank-after-not-a-number", "resume = after-unlock",
	 "resume = after-unlock\nblank-after = 1m", 63, "[power] blank-after:",
	 "whole number from 0 to 86400"},
	{"blank-after-too-long", "resume = after-unlock",
	 "resume = after-unlock\nblank-after = 86401", 63, "[power] blank-after:",
	 "whole number from 0 to 86400"},
	{"blank-after-negative", "resume = after-unlock",
	 "resume = after-unlock\nblank-after = -1", 63, "[power] blank-after:",
	 "whole number from 0 to 86400"},
};

/* Broken variants of the example's [outputs] group. */
static const struct broken_clipboard outputs_cases[] = {
	{"two-head-order-bad-name", "DP-4, eDP-1", "DP-4, e DP-1", 67, "[outputs] order:",
	 "'e DP-1' is not a connector name"},
	{"two-head-order-empty-name", "DP-4, eDP-1", "DP-4,, eDP-1", 67, "[outputs] order:",
	 "'' is not a connector name"},
	{"two-head-order-trailing-dash", "DP-4, eDP-1", "DP-4, eDP-", 67, "[outputs] order:",
	 "not a connector name"},
	{"two-head-order-twice", "DP-4, eDP-1", "DP-4, eDP-1, DP-4", 67, "[outputs] order:",
	 "'DP-4' is listed twice"},
	{"two-head-order-too-many", "DP-4, eDP-1", "DP-4, eDP-1, A-1, A-2, A-3, A-4, A-5, A-6",
	 67, "[outputs] order:", "too many names at 'A-6': 8 at most"},
	{"two-head-order-missing", "order = DP-3, DP-4, eDP-1", "mirror = yes", 67,
	 "[outputs] mirror:", "unknown key"},
	{"two-head-mirror-mode-unknown-word", "order = DP-3, DP-4, eDP-1",
	 "order = DP-3, DP-4, eDP-1\nmode = clone", 68, "[outputs] mode:",
	 "'clone' is not one of: extend, mirror"},
	{"two-head-mirror-mode-empty", "order = DP-3, DP-4, eDP-1", "mode =", 67,
	 "[outputs] mode:", "empty value"},
	{"two-head-mirror-mode-twice", "order = DP-3, DP-4, eDP-1",
	 "mode = mirror\nmode = extend", 68, "[outputs] mode:", "twice"},
};

/* A copy of the example in a new temporary directory (*tmp, for tsr_test_remove_tree) with
 * `from` replaced by `to` in file; returns the policy directory in it. */
static char *edited_copy(const char *file, const char *from, const char *to, char **tmp)
{
	*tmp = g_dir_make_tmp("policy-broken-XXXXXX", NULL);
	g_autofree char *src = example_dir();
	char *dir = g_build_filename(*tmp, "policy", NULL);
	copy_tree(src, dir);
	g_autofree char *path = g_build_filename(dir, file, NULL);
	g_autofree char *text = NULL;
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	char *at = strstr(text, from);
	g_assert_nonnull(at);
	GString *s = g_string_new_len(text, at - text);
	g_string_append(s, to);
	g_string_append(s, at + strlen(from));
	g_assert_true(g_file_set_contents(path, s->str, (gssize)s->len, NULL));
	g_string_free(s, TRUE);
	return dir;
}

/* Load a copy of the example with `from` replaced by `to` in file; the error it must give. */
static GError *load_broken(const char *file, const char *from, const char *to)
{
	char *tmp = NULL;
	char *dir = edited_copy(file, from, to, &tmp);

	GError *error = NULL;
	struct tsr_policy *p = tsr_policy_load_dir(dir, &error);
	g_assert_null(p);
	g_assert_nonnull(error);
	tsr_test_remove_tree(tmp);
	g_free(dir);
	g_free(tmp);
	return error;
}

static void expect_error(const char *name, GError *error, const char *expect, const char *mention)
{
	g_test_message("%s: %s", name, error->message);
	if (!g_str_has_prefix(error->message, expect) || !strstr(error->message, mention))
		g_error("%s: expected '%s...%s', got '%s'", name, expect, mention, error->message);
	g_error_free(error);
}

static void test_broken(gconstpointer data)
{
	const struct broken *c = data;
	expect_error(c->name, load_broken(c->file, c->from, c->to), c->expect, c->mention);
}

static void test_broken_clipboard(gconstpointer data)
{
	const struct broken_clipboard *c = data;
	g_autofree char *expect = g_strdup_printf("policy.conf:%d: %s", c->line, c->group_key);
	expect_error(c->name, load_broken("policy.conf", c->from, c->to), expect, c->mention);
}

/* [power]: the example's values load, travel in every laptop group's bundle, and a policy that
 * leaves them at the defaults (lock, after-unlock) writes no [power] group at all. */
static void test_lid_policy(void)
{
	g_autofree char *dir = example_dir();
	GError *error = NULL;
	struct tsr_policy *p = tsr_policy_load_dir(dir, &error);
	g_assert_no_error(error);
	g_assert_cmpint(p->power.lid, ==, TSR_POLICY_LID_SUSPEND);
	g_assert_cmpint(p->power.resume, ==, TSR_POLICY_RESUME_AFTER_UNLOCK);
	size_t len = 0;
	g_autofree char *office = tsr_policy_canonical(p, "office", &len, &error);
	g_assert_no_error(error);
	g_assert_nonnull(strstr(office, "[power]\nlid=suspend\nresume=after-unlock\n"));
	struct tsr_policy *q = tsr_policy_load_canonical(office, len, &error);
	g_assert_no_error(error);
	g_assert_cmpint(q->power.lid, ==, TSR_POLICY_LID_SUSPEND);
	q->power.lid = TSR_POLICY_LID_LOCK;
	g_autofree char *plain = tsr_policy_canonical(q, NULL, &len, &error);
	g_assert_no_error(error);
	g_assert_null(strstr(plain, "[power]"));
	struct tsr_policy *r = tsr_policy_load_canonical(plain, len, &error);
	g_assert_no_error(error);
	g_assert_cmpint(r->power.lid, ==, TSR_POLICY_LID_LOCK);
	g_assert_cmpint(r->power.resume, ==, TSR_POLICY_RESUME_AFTER_UNLOCK);
	g_assert_cmpuint(p->power.blank_after_seconds, ==, 60);
	g_assert_cmpuint(r->power.blank_after_seconds, ==, 60);
	/* Only blank-after differs: the group is written, and 0 (never) comes back as 0. */
	q->power.blank_after_seconds = 0;
	g_autofree char *never = tsr_policy_canonical(q, NULL, &len, &error);
	g_assert_no_error(error);
	g_assert_nonnull(strstr(never, "[power]\nlid=lock\nresume=after-unlock\nblank-after=0\n"));
	struct tsr_policy *n = tsr_policy_load_canonical(never, len, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(n->power.blank_after_seconds, ==, 0);
	tsr_policy_free(n);
	q->power.blank_after_seconds = 60;
	q->power.resume = TSR_POLICY_RESUME_AT_ONCE;
	g_autofree char *at_once = tsr_policy_canonical(q, NULL, &len, &error);
	g_assert_nonnull(strstr(at_once, "[power]\nlid=lock\nresume=at-once\n"));
	g_assert_cmpstr(tsr_policy_lid_name(TSR_POLICY_LID_IGNORE), ==, "ignore");
	tsr_policy_free(r);
	tsr_policy_free(q);
	tsr_policy_free(p);
}

/* [outputs] order: the example's names load in order and travel in the bundle; a policy
 * without it writes no [outputs] group. */
/* p's bundle for the office laptops, which must contain want, loaded again. */
static struct tsr_policy *office_round_trip(struct tsr_policy *p, const char *want)
{
	GError *error = NULL;
	size_t len = 0;
	g_autofree char *office = tsr_policy_canonical(p, "office", &len, &error);

	g_assert_no_error(error);
	g_assert_nonnull(strstr(office, want));
	struct tsr_policy *q = tsr_policy_load_canonical(office, len, &error);
	g_assert_no_error(error);
	return q;
}

/* [outputs] mode = mirror, with or without order: loads, travels in the bundle, and the
 * default (extend) is written nowhere. */
static void test_outputs_mirror_policy(void)
{
	g_autofree char *tmp = NULL;
	g_autofree char *dir = edited_copy("policy.conf", "order = DP-3, DP-4, eDP-1", "mode = mirror",
					   &tmp);
	GError *error = NULL;
	struct tsr_policy *p = tsr_policy_load_dir(dir, &error);

	g_assert_no_error(error);
	g_assert_cmpint(p->outputs.mode, ==, TSR_POLICY_OUTPUTS_MIRROR);
	g_assert_cmpuint(p->outputs.n_order, ==, 0);
	struct tsr_policy *q = office_round_trip(p, "[outputs]\nmode=mirror\n");
	g_assert_cmpint(q->outputs.mode, ==, TSR_POLICY_OUTPUTS_MIRROR);
	g_assert_cmpstr(tsr_policy_output_mode_name(q->outputs.mode), ==, "mirror");
	tsr_policy_free(q);
	tsr_policy_free(p);
	tsr_test_remove_tree(tmp);
}

static void test_outputs_policy(void)
{
	g_autofree char *dir = example_dir();
	GError *error = NULL;
	struct tsr_policy *p = tsr_policy_load_dir(dir, &error);
	size_t len = 0;

	g_assert_no_error(error);
	g_assert_cmpuint(p->outputs.n_order, ==, 3);
	g_assert_cmpstr(p->outputs.order[0], ==, "DP-3");
	g_assert_cmpstr(p->outputs.order[2], ==, "eDP-1");
	g_autofree char *office = tsr_policy_canonical(p, "office", &len, &error);
	g_assert_no_error(error);
	g_assert_nonnull(strstr(office, "[outputs]\norder=DP-3,DP-4,eDP-1\n"));
	struct tsr_policy *q = tsr_policy_load_canonical(office, len, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(q->outputs.n_order, ==, 3);
	g_assert_cmpstr(q->outputs.order[1], ==, "DP-4");
	q->outputs.n_order = 0;
	g_autofree char *plain = tsr_policy_canonical(q, NULL, &len, &error);
	g_assert_null(strstr(plain, "[outputs]"));
	g_assert_true(tsr_policy_connector_name_ok("HDMI-A-1"));
	g_assert_false(tsr_policy_connector_name_ok("HDMI--A-1"));
	g_assert_false(tsr_policy_connector_name_ok("1-HDMI"));
	g_assert_false(tsr_policy_connector_name_ok("DP-12345678901234567890123456789"));
	g_assert_true(tsr_policy_connector_name_ok("DP-1234567890123456789012345678"));
	g_assert_cmpint(p->outputs.mode, ==, TSR_POLICY_OUTPUTS_EXTEND);
	g_assert_null(strstr(office, "mode="));
	tsr_policy_free(q);
	tsr_policy_free(p);
}

/* The keymap check (policy/kiosk-check.c) that build runs: the example compiles; a layout
 * xkbcommon cannot compile is refused at the [keymap] line, and only with the check (the parser
 * alone takes any names). */
static void test_keymap_check(void)
{
	char *src = example_dir();
	GError *error = NULL;
	struct tsr_policy *p = tsr_policy_load_dir_checked(src, &error);
	g_assert_no_error(error);
	g_assert_true(p->kiosk.click_to_focus);
	tsr_policy_free(p);

	char *tmp = g_dir_make_tmp("policy-kiosk-XXXXXX", NULL);
	char *dir = g_build_filename(tmp, "policy", NULL);
	copy_tree(src, dir);
	char *path = g_build_filename(dir, "policy.conf", NULL);
	char *text = NULL;
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	GString *str = g_string_new(text);
	g_assert_cmpuint(g_string_replace(str, "layout = us,de", "layout = zz", 1), ==, 1);
	g_assert_true(g_file_set_contents(path, str->str, -1, NULL));
	p = tsr_policy_load_dir(dir, &error);
	g_assert_no_error(error);
	tsr_policy_free(p);
	p = tsr_policy_load_dir_checked(dir, &error);
	g_assert_null(p);
	g_assert_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_VALUE);
	g_test_message("%s", error->message);
	if (!g_str_has_prefix(error->message, "policy.conf:22: [keymap]") ||
	    !strstr(error->message, "layout=zz") || !strstr(error->message, "does not compile"))
		g_error("expected 'policy.conf:22: [keymap] ... layout=zz ... does not compile', "
		        "got '%s'", error->message);
	g_clear_error(&error);

	/* The same check on a bundle's content, as install runs it. */
	GKeyFile *kf = g_key_file_new();
	g_key_file_set_string(kf, "keymap", "layout", "us");
	g_assert_true(tsr_policy_kiosk_check(kf, &error));
	g_assert_no_error(error);
	g_key_file_set_string(kf, "keymap", "layout", "klingon");
	g_assert_false(tsr_policy_kiosk_check(kf, &error));
	g_assert_true(g_str_has_prefix(error->message, "[keymap] keyboard layout"));
	g_clear_error(&error);
	g_key_file_free(kf);
	g_string_free(str, TRUE);
	g_free(text);
	g_free(path);
	tsr_test_remove_tree(tmp);
	g_free(dir);
	g_free(tmp);
	g_free(src);
}

/* The Windows settings doc/templates.md gives (its ini blocks after "## Windows", each starting
 * "# FILE") added to the example: the parser takes them as written there. */
static void test_windows_stanza_from_doc(void)
{
	char *src = example_dir();
	char *doc = g_build_filename(src, "..", "..", "templates.md", NULL);
	char *text = NULL;
	g_assert_true(g_file_get_contents(doc, &text, NULL, NULL));
	char *tmp = g_dir_make_tmp("policy-windows-XXXXXX", NULL);
	char *dir = g_build_filename(tmp, "policy", NULL);
	copy_tree(src, dir);

	const char *at = strstr(text, "\n## Windows\n");
	g_assert_nonnull(at);
	unsigned blocks = 0;
	while ((at = strstr(at, "\n```ini\n# "))) {
		at += strlen("\n```ini\n# ");
		const char *eol = strchr(at, '\n'), *end = strstr(at, "\n```\n");
		g_assert_true(eol && end && eol < end);
		char *file = g_strndup(at, (size_t)(eol - at));
		char *path = g_build_filename(dir, file, NULL);
		char *old = NULL;
		if (!g_file_get_contents(path, &old, NULL, NULL))
			old = g_strdup("");
		char *new = g_strdup_printf("%s\n%.*s\n", old, (int)(end - eol), eol);
		g_assert_true(g_file_set_contents(path, new, -1, NULL));
		g_free(new);
		g_free(old);
		g_free(path);
		g_free(file);
		blocks++;
		at = end;
	}
	g_assert_cmpuint(blocks, ==, 2);

	GError *error = NULL;
	struct tsr_policy *p = tsr_policy_load_dir(dir, &error);
	g_assert_no_error(error);
	const struct tsr_policy_domain *w = tsr_policy_find_domain(p, "windows");
	g_assert_nonnull(w);
	g_assert_cmpint(w->backend, ==, TSR_POLICY_BACKEND_QEMU);
	g_assert_cmpint(w->disk_bus, ==, TSR_POLICY_DISK_BUS_SATA);
	g_assert_cmpint(w->firmware, ==, TSR_POLICY_FIRMWARE_UEFI);
	g_assert_cmpstr(w->cdrom, ==, "win11-install");
	g_assert_cmpstr(w->template_name, ==, "empty-64g");
	g_assert_false(w->disposable);
	tsr_policy_free(p);
	tsr_test_remove_tree(tmp);
	g_free(dir);
	g_free(tmp);
	g_free(text);
	g_free(doc);
	g_free(src);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/policy/example-loads-with-typed-values", test_example_loads);
	g_test_add_func("/policy/canonical-per-laptop-group", test_canonical);
	g_test_add_func("/policy/lease-and-grace", test_lease);
	g_test_add_func("/policy/kiosk-check-errors-get-file-line", test_keymap_check);
	g_test_add_func("/policy/windows-stanza-from-doc", test_windows_stanza_from_doc);
	TSR_TEST_ADD_CASES("/policy/broken", broken_cases, test_broken);
	TSR_TEST_ADD_CASES("/policy/broken/clipboard", clipboard_cases, test_broken_clipboard);
	g_test_add_func("/policy/lid-policy-loads-and-travels", test_lid_policy);
	TSR_TEST_ADD_CASES("/policy/broken/power", power_cases, test_broken_clipboard);
	g_test_add_func("/policy/two-head-outputs-order-loads-and-travels", test_outputs_policy);
	g_test_add_func("/policy/two-head-mirror-mode-loads-and-travels",
			test_outputs_mirror_policy);
	TSR_TEST_ADD_CASES("/policy/broken/outputs", outputs_cases, test_broken_clipboard);
	return g_test_run();
}
