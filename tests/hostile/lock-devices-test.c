/* tests/hostile/lock-devices-test.c: a locked kiosk left alone with a smart card in its domain.
 *
 * The attacker is whoever reaches a laptop its user has locked (or a guest that keeps using a
 * card whose PIN was verified before the lock): while the session is locked, the smart card
 * and the devices that follow the user's focus must not stay in a domain. The real
 * tessera-brokerd runs against a fake sysfs tree and the sim backend, with the scripted test
 * kiosk. Each attack is one TAP result:
 *   - lock: the smart card reader (attached by rule to web) leaves web, unauthorized, with a
 *     "device-lock-detach" audit line;
 *   - lock: the focused-rule device leaves the focused domain the same way;
 *   - lock: a reader whose rule says on-lock = keep stays (policy decides, per rule);
 *   - unlock: both come back where they were, with "device-attached" audit lines. */
#include "config.h"
#include "tests/integration/broker-harness.h"

#include <string.h>

static struct bh *h;

/* A device with one configuration whose interfaces have the given classes. */
static void add(const char *sysname, uint16_t vendor, uint16_t product, uint8_t cls,
		unsigned dev, const char *serial)
{
	uint8_t d[18 + 9 + 9] = { 18, 1, 0x00, 0x02, 0, 0, 0, 64, (uint8_t)vendor,
				  (uint8_t)(vendor >> 8), (uint8_t)product, (uint8_t)(product >> 8),
				  0x00, 0x01, 1, 2, 3, 1,
				  9, 2, 18, 0, 1, 1, 0, 0x80, 50,
				  9, 4, 0, 0, 0, cls, 0, 0, 0 };
	bh_usb_add(h, sysname, d, sizeof(d), 1, dev, serial);
}

static char *owner(const char *id)
{
	struct tsr_ctl_response r = { 0 };
	char *o = g_strdup("absent");

	g_assert_true(bh_ctl(h, "devices", NULL, &r));
	JsonArray *a = json_object_get_array_member(r.result, "devices");
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonObject *d = json_array_get_object_element(a, i);
		if (strcmp(json_object_get_string_member(d, "id"), id) == 0) {
			g_free(o);
			o = g_strdup(json_object_get_string_member_with_default(d, "attached_to",
										"-"));
		}
	}
	tsr_ctl_response_clear(&r);
	return o;
}

static char *authorized(const char *sysname)
{
	return g_strchomp(bh_usb_authorized(h, sysname));
}

/* Poll (through the control socket) until id is attached to want; false after 20 s. */
static bool owner_becomes(const char *id, const char *want)
{
	for (int i = 0; i < 400; i++) {
		g_autofree char *o = owner(id);
		if (strcmp(o, want) == 0)
			return true;
		g_usleep(50000);
	}
	return false;
}

/* The lock took device usb-SYSNAME out of domain: audited, nobody's, deauthorized. */
static void assert_lock_detached(const char *sysname, const char *domain)
{
	g_autofree char *id = g_strdup_printf("usb-%s", sysname);
	g_autofree char *event =
		g_strdup_printf("\"event\":\"device-lock-detach\",\"device\":\"%s\"", id);
	g_autofree char *ev = bh_wait_audit(h, event, domain);
	g_assert_true(owner_becomes(id, "-"));
	g_autofree char *a = authorized(sysname);
	g_assert_cmpstr(a, ==, "0");
}

static void test_lock_detaches_smartcard(void)
{
	unsigned seq = bh_kiosk(h, "lock");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	assert_lock_detached("1-1", "web");
}

static void test_lock_detaches_focused(void)
{
	assert_lock_detached("1-2", "work");
}

static void test_keep_stays(void)
{
	g_autofree char *o = owner("usb-1-3");
	g_assert_cmpstr(o, ==, "web");
	g_autofree char *a = authorized("1-3");
	g_assert_cmpstr(a, ==, "1");
	g_autofree char *audit = bh_audit_text(h);
	g_assert_null(strstr(audit, "\"event\":\"device-lock-detach\",\"device\":\"usb-1-3\""));
}

/* Whether the audit log says `event` after its first "unlock" line, within 20 s. The table
 * names the new owner when the attach starts; the audit line comes when it completes, so the
 * owner alone does not say the line is written yet. Earlier lines (the login's attach) do not
 * count. */
static bool audited_after_unlock(const char *event)
{
	for (int i = 0; i < 400; i++) {
		g_autofree char *audit = bh_audit_text(h);
		const char *unlocked = strstr(audit, "\"event\":\"unlock\"");
		if (unlocked && strstr(unlocked, event))
			return true;
		g_usleep(50000);
	}
	return false;
}

static void test_unlock_returns(void)
{
	unsigned seq = bh_kiosk(h, "unlock alice-pw");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	g_assert_true(owner_becomes("usb-1-1", "web"));
	g_assert_true(owner_becomes("usb-1-2", "work"));
	g_assert_true(audited_after_unlock("\"event\":\"device-attached\",\"device\":\"usb-1-1\""));
	g_assert_true(audited_after_unlock("\"event\":\"device-attached\",\"device\":\"usb-1-2\""));
	g_autofree char *a1 = authorized("1-1"), *a2 = authorized("1-2");
	g_assert_cmpstr(a1, ==, "1");
	g_assert_cmpstr(a2, ==, "1");
}

static JsonObject *name_arg(const char *name)
{
	JsonObject *o = json_object_new();
	json_object_set_string_member(o, "name", name);
	return o;
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	h = bh_new("[rule kept]\nclass = 0x0b\nserial = KEEP\naction = attach\ndomain = web\n"
		   "on-lock = keep\n\n"
		   "[rule readers]\nclass = 0x0b\naction = attach\ndomain = web\n\n"
		   "[rule dongle]\nvendor = 0x1234\naction = focused\n");
	add("1-1", 0x04e6, 0x5116, 0x0b, 1, "R1");
	add("1-2", 0x1234, 0x0001, 0xff, 2, "D1");
	add("1-3", 0x04e6, 0x5116, 0x0b, 3, "KEEP");
	bh_start(h, true);
	g_autofree char *ready = bh_wait_audit(h, "\"event\":\"usb-ready\"", NULL);
	bh_expect(h, "session state=0 ");
	unsigned seq = bh_kiosk(h, "login alice alice-pw");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	struct tsr_ctl_response r = { 0 };
	g_assert_true(bh_ctl(h, "start", name_arg("web"), &r));
	tsr_ctl_response_clear(&r);
	g_assert_true(bh_ctl(h, "start", name_arg("work"), &r));
	tsr_ctl_response_clear(&r);
	seq = bh_kiosk(h, "focus work");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	g_assert_true(owner_becomes("usb-1-1", "web"));
	g_assert_true(owner_becomes("usb-1-2", "work"));
	g_assert_true(owner_becomes("usb-1-3", "web"));
	/* In order: lock, what it took and left, unlock. A failed one reports; the next runs. */
	g_test_set_nonfatal_assertions();
	g_test_add_func("/hostile/lock/smartcard-detached", test_lock_detaches_smartcard);
	g_test_add_func("/hostile/lock/focused-device-detached", test_lock_detaches_focused);
	g_test_add_func("/hostile/lock/on-lock-keep-stays", test_keep_stays);
	g_test_add_func("/hostile/lock/unlock-brings-them-back", test_unlock_returns);
	int rc = g_test_run();
	bh_free(h);
	return rc;
}
