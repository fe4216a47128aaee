/* Kiosk <-> broker messages: well-formed ones of every type pass the check; each kind of
 * malformation (size, version, type, seq 0, unterminated or invalid text, bad names, nonzero
 * padding, password length and trailing bytes, out-of-range fields) is refused with a reason. */
#include "config.h"
#include "proto/kiosk.h"

#include <errno.h>
#include <glib.h>
#include <linux/input-event-codes.h>
#include <string.h>

static void hdr(void *msg, uint16_t type)
{
	struct tsr_frame_header *h = msg;
	h->type = type;
	h->version = TSR_KIOSK_PROTO_VERSION;
	h->length = (uint32_t)tsr_kiosk_msg_size(type);
}

static void refused(const void *msg, size_t len, const char *needle)
{
	const char *why = NULL;

	errno = 0;
	g_assert_cmpint(tsr_kiosk_msg_check(msg, len, &why), ==, -1);
	g_assert_nonnull(why);
	g_assert_cmpint(errno, !=, 0);
	if (needle && !strstr(why, needle))
		g_error("reason \"%s\" does not mention \"%s\"", why, needle);
}

static void test_login(void)
{
	struct tsr_kiosk_login m = { 0 };
	const char *why = NULL;

	hdr(&m, TSR_KIOSK_LOGIN);
	m.seq = 1;
	tsr_kiosk_set_string(m.user, sizeof(m.user), "alice");
	m.password_len = 3;
	memcpy(m.password, "pw!", 3);
	g_assert_cmpint(tsr_kiosk_msg_check(&m, sizeof(m), &why), ==, 0);
	g_assert_true(tsr_kiosk_is_request(m.h.type));

	/* Any text as a user name is fine (it is just an unknown user). */
	tsr_kiosk_set_string(m.user, sizeof(m.user), "john smith/..");
	g_assert_cmpint(tsr_kiosk_msg_check(&m, sizeof(m), &why), ==, 0);

	struct tsr_kiosk_login b = m;
	b.seq = 0;
	refused(&b, sizeof(b), "seq 0");
	b = m;
	b.password_len = TSR_KIOSK_PASSWORD_MAX + 1;
	refused(&b, sizeof(b), "too long");
	b = m;
	b.password[10] = 'x'; /* a byte after password_len */
	refused(&b, sizeof(b), "padding");
	b = m;
	memset(b.user, 'a', sizeof(b.user)); /* no terminator */
	refused(&b, sizeof(b), "user");
	b = m;
	b.user[0] = '\xff';
	refused(&b, sizeof(b), "user");
	b = m;
	b.user[20] = 'z'; /* garbage after the terminator */
	refused(&b, sizeof(b), "user");
	b = m;
	b.pad[1] = 1;
	refused(&b, sizeof(b), "padding");
	/* Frame-level: short, long, lying length, wrong version, unknown type. */
	refused(&m, sizeof(m) - 1, NULL);
	b = m;
	b.h.version = 2;
	refused(&b, sizeof(b), "version");
	b = m;
	b.h.type = 55;
	refused(&b, sizeof(b), "unknown");
	b = m;
	b.h.type = TSR_KIOSK_LIST; /* a LIST that is LOGIN-sized */
	b.h.length = sizeof(b);
	refused(&b, sizeof(b), "size");
}

static void test_domain_requests(void)
{
	struct tsr_kiosk_domain_request m = { 0 };
	const char *why = NULL;

	hdr(&m, TSR_KIOSK_PICK);
	m.seq = 9;
	tsr_kiosk_set_string(m.domain, sizeof(m.domain), "work");
	g_assert_cmpint(tsr_kiosk_msg_check(&m, sizeof(m), &why), ==, 0);
	struct tsr_kiosk_domain_request b = m;
	tsr_kiosk_set_string(b.domain, sizeof(b.domain), "../etc");
	refused(&b, sizeof(b), "domain");
	tsr_kiosk_set_string(b.domain, sizeof(b.domain), "");
	refused(&b, sizeof(b), "domain");
	/* FOCUS may name nobody (the kiosk itself). */
	hdr(&b, TSR_KIOSK_FOCUS);
	g_assert_cmpint(tsr_kiosk_msg_check(&b, sizeof(b), &why), ==, 0);
	b.reserved = 1;
	refused(&b, sizeof(b), "reserved");

	struct tsr_kiosk_request r = { 0 };
	hdr(&r, TSR_KIOSK_LOGOUT);
	r.seq = 3;
	g_assert_cmpint(tsr_kiosk_msg_check(&r, sizeof(r), &why), ==, 0);
	r.reserved = 7;
	refused(&r, sizeof(r), "reserved");
}

static void test_broker_messages(void)
{
	const char *why = NULL;
	struct tsr_kiosk_domain d = { 0 };
	struct tsr_kiosk_session s = { 0 };
	struct tsr_kiosk_settings st = { 0 };
	struct tsr_kiosk_reply r = { 0 };
	struct tsr_kiosk_notify n = { 0 };

	hdr(&d, TSR_KIOSK_DOMAIN);
	tsr_kiosk_set_string(d.name, sizeof(d.name), "web");
	tsr_kiosk_set_string(d.label, sizeof(d.label), "Web (disposable) \xc3\xa9");
	d.state = TSR_KIOSK_DOMAIN_RUNNING;
	g_assert_cmpint(tsr_kiosk_msg_check(&d, sizeof(d), &why), ==, 0);
	g_assert_false(tsr_kiosk_is_request(d.h.type));
	d.accel = TSR_KIOSK_ACCEL_TCG;
	g_assert_cmpint(tsr_kiosk_msg_check(&d, sizeof(d), &why), ==, 0);
	d.accel = TSR_KIOSK_ACCEL_TCG + 1;
	refused(&d, sizeof(d), "range");
	d.accel = TSR_KIOSK_ACCEL_NONE;
	d.state = 9;
	refused(&d, sizeof(d), "range");

	hdr(&s, TSR_KIOSK_SESSION);
	s.state = TSR_KIOSK_SESSION_LOGIN;
	g_assert_cmpint(tsr_kiosk_msg_check(&s, sizeof(s), &why), ==, 0);
	tsr_kiosk_set_string(s.user, sizeof(s.user), "alice");
	refused(&s, sizeof(s), "user"); /* the login screen has no user */
	s.state = TSR_KIOSK_SESSION_LOCKED;
	g_assert_cmpint(tsr_kiosk_msg_check(&s, sizeof(s), &why), ==, 0);
	/* Outputs off: locked yes, an open session never; no other flag. */
	s.flags = TSR_KIOSK_SESSION_OUTPUTS_OFF;
	g_assert_cmpint(tsr_kiosk_msg_check(&s, sizeof(s), &why), ==, 0);
	s.state = TSR_KIOSK_SESSION_ACTIVE;
	refused(&s, sizeof(s), "flags");
	/* lid-open: outputs on, the same rules; never both. */
	s.flags = TSR_KIOSK_SESSION_OUTPUTS_ON;
	refused(&s, sizeof(s), "flags");
	s.state = TSR_KIOSK_SESSION_LOCKED;
	g_assert_cmpint(tsr_kiosk_msg_check(&s, sizeof(s), &why), ==, 0);
	s.flags = TSR_KIOSK_SESSION_OUTPUTS_ON | TSR_KIOSK_SESSION_OUTPUTS_OFF;
	refused(&s, sizeof(s), "flags");
	s.flags = 4;
	refused(&s, sizeof(s), "flags");
	s.flags = 0;
	s.state = TSR_KIOSK_SESSION_NOT_ENROLLED;
	refused(&s, sizeof(s), "user"); /* before enrolment there is nobody */
	memset(s.user, 0, sizeof(s.user));
	g_assert_cmpint(tsr_kiosk_msg_check(&s, sizeof(s), &why), ==, 0);
	s.state = TSR_KIOSK_SESSION_INSTALL; /* the install offer: nobody either */
	g_assert_cmpint(tsr_kiosk_msg_check(&s, sizeof(s), &why), ==, 0);
	tsr_kiosk_set_string(s.user, sizeof(s.user), "alice");
	refused(&s, sizeof(s), "user");
	memset(s.user, 0, sizeof(s.user));
	s.state = TSR_KIOSK_SESSION_INSTALL + 1;
	refused(&s, sizeof(s), "session state");

	/* Hotkeys travel typed: modifier bits and evdev codes, range-checked on the link. */
	hdr(&st, TSR_KIOSK_SETTINGS);
	st.hotkeys.sas = (struct tsr_kiosk_combo){ TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_ALT,
						   KEY_BACKSPACE };
	st.hotkeys.lock = (struct tsr_kiosk_combo){ TSR_POLICY_MOD_SUPER, KEY_L };
	st.hotkeys.focus_mods = TSR_POLICY_MOD_SUPER;
	g_assert_cmpint(tsr_kiosk_msg_check(&st, sizeof(st), &why), ==, 0);
	st.hotkeys.lock.mods = 0x10;
	refused(&st, sizeof(st), "hotkey");
	st.hotkeys.lock.mods = TSR_POLICY_MOD_SUPER;
	st.hotkeys.cycle.code = KEY_MAX + 1;
	refused(&st, sizeof(st), "hotkey");
	st.hotkeys.cycle.code = 0;
	st.hotkeys.output_left.mods = 0x40;
	refused(&st, sizeof(st), "hotkey");
	st.hotkeys.output_left.mods = 0;
	st.hotkeys.output_right.code = KEY_MAX + 1;
	refused(&st, sizeof(st), "hotkey");
	st.hotkeys.output_right.code = 0;
	st.hotkeys.focus_mods = 0x20;
	refused(&st, sizeof(st), "hotkey");
	st.hotkeys.focus_mods = TSR_POLICY_MOD_SUPER;
	st.hotkeys.sas.code = 0; /* the SAS is never off */
	refused(&st, sizeof(st), "attention");
	st.hotkeys.sas.code = KEY_BACKSPACE;
	st.hotkeys.sas.mods = 0; /* nor a bare key */
	refused(&st, sizeof(st), "attention");
	st.hotkeys.sas.mods = TSR_POLICY_MOD_CTRL;
	/* two-head: the output order is names from the first on, each terminated. */
	g_strlcpy(st.output_order[0], "eDP-1", sizeof st.output_order[0]);
	g_strlcpy(st.output_order[1], "HDMI-A-1", sizeof st.output_order[1]);
	g_assert_cmpint(tsr_kiosk_msg_check(&st, sizeof(st), &why), ==, 0);
	g_strlcpy(st.output_order[3], "DP-1", sizeof st.output_order[3]);
	refused(&st, sizeof(st), "settings text");
	memset(st.output_order[3], 'D', sizeof st.output_order[3]);
	st.output_order[2][0] = 'D';
	refused(&st, sizeof(st), "settings text");
	memset(st.output_order, 0, sizeof st.output_order);
	st.blank_after_seconds = TSR_KIOSK_BLANK_AFTER_MAX + 1;
	refused(&st, sizeof(st), "range");
	st.blank_after_seconds = TSR_KIOSK_BLANK_AFTER_MAX;
	g_assert_cmpint(tsr_kiosk_msg_check(&st, sizeof(st), &why), ==, 0);
	st.blank_after_seconds = 0;
	g_assert_cmpint(tsr_kiosk_msg_check(&st, sizeof(st), &why), ==, 0);
	/* two-head-mirror: extend (0) or mirror (1), nothing else. */
	st.output_mode = 1;
	g_assert_cmpint(tsr_kiosk_msg_check(&st, sizeof(st), &why), ==, 0);
	st.output_mode = 2;
	refused(&st, sizeof(st), "range");
	st.output_mode = 0;

	/* pack and unpack are each other's inverse. */
	struct tsr_policy_hotkeys h = { .sas = { TSR_POLICY_MOD_CTRL, KEY_DELETE },
					.lock = { TSR_POLICY_MOD_SUPER, KEY_ESC },
					.layout = { TSR_POLICY_MOD_ALT | TSR_POLICY_MOD_SHIFT, KEY_F5 },
					.focus_mods = TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_ALT };
	struct tsr_policy_hotkeys back;
	memset(&back, 0xa5, sizeof(back));
	tsr_kiosk_hotkeys_pack(&st.hotkeys, &h);
	g_assert_cmpint(tsr_kiosk_msg_check(&st, sizeof(st), &why), ==, 0);
	tsr_kiosk_hotkeys_unpack(&back, &st.hotkeys);
	g_assert_cmpuint(back.sas.code, ==, KEY_DELETE);
	g_assert_cmpuint(back.lock.mods, ==, TSR_POLICY_MOD_SUPER);
	g_assert_cmpuint(back.layout.code, ==, KEY_F5);
	g_assert_cmpuint(back.cycle.code, ==, 0);
	g_assert_cmpuint(back.focus_mods, ==, TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_ALT);

	hdr(&r, TSR_KIOSK_REPLY);
	r.status = TSR_KIOSK_E_LEASE;
	g_assert_cmpint(tsr_kiosk_msg_check(&r, sizeof(r), &why), ==, 0);
	r.status = 77;
	refused(&r, sizeof(r), "status");

	hdr(&n, TSR_KIOSK_NOTIFY);
	n.kind = TSR_KIOSK_NOTE_DOMAIN_CRASHED;
	g_assert_cmpint(tsr_kiosk_msg_check(&n, sizeof(n), &why), ==, 0);
	n.kind = 99;
	refused(&n, sizeof(n), "kind");
}

/* DEVICE: the broker lends the kiosk its devices; every field is checked before the fd that
 * rides with it is used. */
static void test_device(void)
{
	struct tsr_kiosk_device m = { 0 };
	const char *why = NULL;

	hdr(&m, TSR_KIOSK_DEVICE);
	m.id = 7;
	m.kind = TSR_KIOSK_DEVICE_EVDEV;
	m.action = TSR_KIOSK_DEVICE_ADD;
	tsr_kiosk_set_string(m.node, sizeof(m.node), "/dev/input/event3");
	g_assert_cmpint(tsr_kiosk_msg_check(&m, sizeof(m), &why), ==, 0);
	g_assert_false(tsr_kiosk_is_request(m.h.type));
	struct tsr_kiosk_device b = m;
	b.action = TSR_KIOSK_DEVICE_REMOVE;
	g_assert_cmpint(tsr_kiosk_msg_check(&b, sizeof(b), &why), ==, 0);
	b = m;
	b.kind = TSR_KIOSK_DEVICE_DRM;
	tsr_kiosk_set_string(b.node, sizeof(b.node), "/dev/dri/card0");
	g_assert_cmpint(tsr_kiosk_msg_check(&b, sizeof(b), &why), ==, 0);

	b.action = TSR_KIOSK_DEVICE_REMOVE;
	refused(&b, sizeof(b), "never removed");
	b = m;
	b.id = 0;
	refused(&b, sizeof(b), "id 0");
	/* kind and action: 1 or 2, nothing on either side */
	static const unsigned outside[] = { 0, 3 };
	for (size_t i = 0; i < G_N_ELEMENTS(outside); i++) {
		b = m;
		b.kind = outside[i];
		refused(&b, sizeof(b), "kind");
		b = m;
		b.action = outside[i];
		refused(&b, sizeof(b), "action");
	}
	b = m;
	b.pad[1] = 1;
	refused(&b, sizeof(b), "padding");
	b = m;
	tsr_kiosk_set_string(b.node, sizeof(b.node), "input/event3");
	refused(&b, sizeof(b), "node");
	b = m;
	memset(b.node, 'a', sizeof(b.node)); /* no terminator */
	refused(&b, sizeof(b), "node");
	b = m;
	b.node[sizeof(b.node) - 1] = 'x'; /* a byte after the terminator */
	refused(&b, sizeof(b), "node");
	refused(&m, sizeof(m) - 1, NULL);
}

/* CONSOLE: only the header; the reserved words must be zero. */
static void test_console(void)
{
	struct tsr_kiosk_console m = { 0 };
	const char *why = NULL;

	hdr(&m, TSR_KIOSK_CONSOLE);
	g_assert_cmpint(tsr_kiosk_msg_check(&m, sizeof(m), &why), ==, 0);
	g_assert_false(tsr_kiosk_is_request(m.h.type));
	m.reserved[1] = 1;
	refused(&m, sizeof(m), "reserved");
	m.reserved[1] = 0;
	refused(&m, sizeof(m) + 4, NULL);
}

/* CLIPBOARD: max-bytes in range, at most TSR_KIOSK_CLIPBOARD_FLOWS flows of names or "*",
 * nothing in the slots past them. */
static void test_clipboard_policy(void)
{
	static struct tsr_kiosk_clipboard m, b;
	const char *why = NULL;

	hdr(&m, TSR_KIOSK_CLIPBOARD);
	m.max_bytes = 64000;
	m.n_flows = 2;
	tsr_kiosk_set_string(m.flows[0].from, TSR_KIOSK_NAME_SIZE, "work");
	tsr_kiosk_set_string(m.flows[0].to, TSR_KIOSK_NAME_SIZE, "personal");
	tsr_kiosk_set_string(m.flows[1].from, TSR_KIOSK_NAME_SIZE, "*");
	tsr_kiosk_set_string(m.flows[1].to, TSR_KIOSK_NAME_SIZE, "banking");
	g_assert_cmpint(tsr_kiosk_msg_check(&m, sizeof(m), &why), ==, 0);
	g_assert_false(tsr_kiosk_is_request(m.h.type));
	g_assert_cmpuint(TSR_KIOSK_MSG_MAX, >=, sizeof(m));

	static const uint32_t bad_max[] = { 0, 1024 * 1024 + 1 };
	for (size_t i = 0; i < G_N_ELEMENTS(bad_max); i++) {
		b = m;
		b.max_bytes = bad_max[i];
		refused(&b, sizeof(b), "max-bytes");
	}
	b = m;
	b.n_flows = TSR_KIOSK_CLIPBOARD_FLOWS + 1;
	refused(&b, sizeof(b), "too many");
	b = m;
	b.n_flows = 3; /* a third flow of empty names */
	refused(&b, sizeof(b), "flow");
	b = m;
	tsr_kiosk_set_string(b.flows[1].from, TSR_KIOSK_NAME_SIZE, "**");
	refused(&b, sizeof(b), "flow");
	b = m;
	tsr_kiosk_set_string(b.flows[0].to, TSR_KIOSK_NAME_SIZE, "-work");
	refused(&b, sizeof(b), "flow");
	b = m;
	b.flows[0].from[TSR_KIOSK_NAME_SIZE - 1] = 'x';
	refused(&b, sizeof(b), "flow");
	b = m;
	b.flows[TSR_KIOSK_CLIPBOARD_FLOWS - 1].to[3] = 'x'; /* past n_flows */
	refused(&b, sizeof(b), "unused");
	refused(&m, sizeof(m) - 1, NULL);
}

/* CLIPBOARD_AUDIT: a request; event and reason fit each other, a target exactly for paste and
 * refused, size 1..1 MiB, a lowercase hex sha256. */
static void test_clipboard_audit(void)
{
	struct tsr_kiosk_clipboard_audit m = { 0 }, b;
	const char *why = NULL;

	hdr(&m, TSR_KIOSK_CLIPBOARD_AUDIT);
	m.seq = 4;
	m.size = 5;
	m.event = TSR_KIOSK_CLIPBOARD_PASTE;
	tsr_kiosk_set_string(m.source, sizeof(m.source), "work");
	tsr_kiosk_set_string(m.target, sizeof(m.target), "personal");
	memset(m.sha256, 'a', 64);
	m.sha256[3] = '7';
	g_assert_cmpint(tsr_kiosk_msg_check(&m, sizeof(m), &why), ==, 0);
	g_assert_true(tsr_kiosk_is_request(m.h.type));
	g_assert_cmpstr(tsr_kiosk_clipboard_event_name(m.event), ==, "paste");

	b = m;
	b.event = TSR_KIOSK_CLIPBOARD_EMPTIED;
	b.reason = TSR_KIOSK_CLIPBOARD_REASON_USER_SWITCH;
	b.target[0] = 0;
	memset(b.target, 0, sizeof(b.target));
	g_assert_cmpint(tsr_kiosk_msg_check(&b, sizeof(b), &why), ==, 0);
	g_assert_cmpstr(tsr_kiosk_clipboard_reason_name(b.reason), ==, "user-switch");
	tsr_kiosk_set_string(b.target, sizeof(b.target), "personal");
	refused(&b, sizeof(b), "domain");  /* emptied names no target */
	b = m;
	memset(b.target, 0, sizeof(b.target));
	refused(&b, sizeof(b), "domain");  /* a paste names one */

	b = m;
	b.seq = 0;
	refused(&b, sizeof(b), "seq 0");
	b = m;
	b.event = 0;
	refused(&b, sizeof(b), "event");
	b.event = 5;
	refused(&b, sizeof(b), "event");
	b = m;
	b.reason = 6;
	refused(&b, sizeof(b), "event");
	b = m;
	b.reason = TSR_KIOSK_CLIPBOARD_REASON_LOCK; /* a paste has no reason */
	refused(&b, sizeof(b), "reason");
	b = m;
	b.event = TSR_KIOSK_CLIPBOARD_REFUSED; /* refused always says policy */
	refused(&b, sizeof(b), "reason");
	for (uint32_t size = 0; size <= 1024 * 1024 + 1; size += 1024 * 1024 + 1) {
		b = m;
		b.size = size;
		refused(&b, sizeof(b), "size");
	}
	b = m;
	b.sha256[0] = 'A';
	refused(&b, sizeof(b), "sha256");
	b = m;
	b.sha256[63] = 0;
	refused(&b, sizeof(b), "sha256");
	b = m;
	b.sha256[64] = 'a';
	refused(&b, sizeof(b), "sha256");
	b = m;
	tsr_kiosk_set_string(b.source, sizeof(b.source), "wo rk");
	refused(&b, sizeof(b), "domain");
	b = m;
	b.pad2[0] = 1;
	refused(&b, sizeof(b), "padding");
	refused(&m, sizeof(m) + 1, NULL);
}

static void test_set_string(void)
{
	char f[8];

	/* Cut on a character boundary: "aaaaaa" + a 2-byte char does not fit in 7 bytes. */
	tsr_kiosk_set_string(f, sizeof(f), "aaaaaa\xc3\xa9");
	g_assert_cmpstr(f, ==, "aaaaaa");
	/* Invalid UTF-8 is cut where it starts. */
	tsr_kiosk_set_string(f, sizeof(f), "ab\xff" "cd");
	g_assert_cmpstr(f, ==, "ab");
	tsr_kiosk_set_string(f, sizeof(f), NULL);
	g_assert_cmpstr(f, ==, "");
	for (size_t i = 0; i < sizeof(f); i++)
		g_assert_cmpint(f[i], ==, 0);
}

/* A brightness key: +1 or -1 and nothing else, with a seq, of its exact size. */
static void test_brightness(void)
{
	struct tsr_kiosk_brightness m = { 0 };
	const char *why = NULL;

	hdr(&m, TSR_KIOSK_BRIGHTNESS);
	m.seq = 5;
	m.step = -1;
	g_assert_cmpint(tsr_kiosk_msg_check(&m, sizeof(m), &why), ==, 0);
	g_assert_true(tsr_kiosk_is_request(m.h.type));
	m.step = 1;
	g_assert_cmpint(tsr_kiosk_msg_check(&m, sizeof(m), &why), ==, 0);

	/* Steps 0 and 100, then seq 0. */
	for (int32_t step = 0; step <= 200; step += 100) {
		struct tsr_kiosk_brightness bad = m;
		bad.step = step < 200 ? step : 1;
		bad.seq = step < 200 ? m.seq : 0;
		refused(&bad, sizeof(bad), step < 200 ? "step" : "seq 0");
	}
	refused(&m, sizeof(m) - 4, NULL);
}

/* The kiosk says its lock screen is on the outputs: a plain request, seq set, reserved zero. */
static void test_lock_shown(void)
{
	struct tsr_kiosk_request m = { 0 };

	hdr(&m, TSR_KIOSK_LOCK_SHOWN);
	g_assert_cmpuint(m.h.length, ==, sizeof(m));
	m.seq = 9;
	g_assert_cmpint(tsr_kiosk_msg_check(&m, sizeof(m), NULL), ==, 0);
	g_assert_true(tsr_kiosk_is_request(m.h.type));
	/* seq 0, then reserved 1; then a message longer than its type. */
	for (uint32_t i = 0; i < 2; i++) {
		struct tsr_kiosk_request bad = m;
		*(i ? &bad.reserved : &bad.seq) = i;
		refused(&bad, sizeof(bad), i ? "reserved" : "seq 0");
	}
	refused(&m, sizeof(m) + 4, NULL);
}

/* The battery text: NUL-terminated UTF-8, zero after it and in reserved; never a request. */
static void test_power(void)
{
	struct tsr_kiosk_power m = { 0 };

	hdr(&m, TSR_KIOSK_POWER);
	tsr_kiosk_set_string(m.text, sizeof(m.text), "Battery 73%, charging");
	g_assert_cmpint(tsr_kiosk_msg_check(&m, sizeof(m), NULL), ==, 0);
	g_assert_false(tsr_kiosk_is_request(TSR_KIOSK_POWER));
	/* Reserved set, no terminator, not UTF-8. */
	for (int i = 0; i < 3; i++) {
		struct tsr_kiosk_power bad = m;
		if (i == 0)
			bad.reserved[1] = 1;
		else if (i == 1)
			memset(bad.text, 'x', sizeof(bad.text));
		else
			bad.text[0] = (char)0xff;
		refused(&bad, sizeof(bad), i == 0 ? "reserved" : "power text");
	}
}

/* ENROL: an offer names organization, group and a fingerprint; a refusal only its reason;
 * NONE nothing. The answer is a request with seq and 0 or 1. */
static void test_enrol(void)
{
	struct tsr_kiosk_enrol m = { 0 };
	struct tsr_kiosk_enrol_answer a = { 0 };

	hdr(&m, TSR_KIOSK_ENROL);
	g_assert_cmpint(tsr_kiosk_msg_check(&m, sizeof(m), NULL), ==, 0);
	g_assert_false(tsr_kiosk_is_request(TSR_KIOSK_ENROL));
	m.state = TSR_KIOSK_ENROL_OFFER;
	m.n_roots = 2;
	tsr_kiosk_set_string(m.organization, sizeof(m.organization), "example-org");
	tsr_kiosk_set_string(m.group, sizeof(m.group), "office");
	tsr_kiosk_set_string(m.fingerprint, sizeof(m.fingerprint), "c436-8fe5-52e6-c14b");
	g_assert_cmpint(tsr_kiosk_msg_check(&m, sizeof(m), NULL), ==, 0);
	struct tsr_kiosk_enrol bad = m;
	bad.n_roots = 5;
	refused(&bad, sizeof(bad), "out of range");
	bad = m;
	bad.fingerprint[4] = 'x';
	refused(&bad, sizeof(bad), "identity");
	bad = m;
	tsr_kiosk_set_string(bad.group, sizeof(bad.group), "../etc");
	refused(&bad, sizeof(bad), "identity");
	bad = m;
	tsr_kiosk_set_string(bad.text, sizeof(bad.text), "an offer carries no reason");
	refused(&bad, sizeof(bad), "text");
	/* A refusal: its reason and nothing else. */
	struct tsr_kiosk_enrol r = { .state = TSR_KIOSK_ENROL_REFUSED };
	hdr(&r, TSR_KIOSK_ENROL);
	refused(&r, sizeof(r), "text");
	tsr_kiosk_set_string(r.text, sizeof(r.text), "the disk is labelled 'X', not TSR-ENROL");
	g_assert_cmpint(tsr_kiosk_msg_check(&r, sizeof(r), NULL), ==, 0);
	tsr_kiosk_set_string(r.organization, sizeof(r.organization), "example-org");
	refused(&r, sizeof(r), "identity");
	r.organization[0] = '\0';
	r.state = 3;
	refused(&r, sizeof(r), "out of range");

	hdr(&a, TSR_KIOSK_ENROL_ANSWER);
	a.seq = 3;
	a.accept = 1;
	g_assert_cmpint(tsr_kiosk_msg_check(&a, sizeof(a), NULL), ==, 0);
	g_assert_true(tsr_kiosk_is_request(TSR_KIOSK_ENROL_ANSWER));
	a.accept = 2;
	refused(&a, sizeof(a), "not 0 or 1");
	a.accept = 0;
	a.seq = 0;
	refused(&a, sizeof(a), "seq 0");
}

/* INSTALL: every state names the disk (a kernel name) and its size; only RUNNING, DONE and
 * FAILED carry text. The answer names the disk the user typed when it says yes, nothing when
 * it says no; a name that could reach a path (slashes, dots, capitals) is refused on the link. */
static void test_install(void)
{
	struct tsr_kiosk_install m = { .size_bytes = 256060514304ull };
	struct tsr_kiosk_install_answer a = { .seq = 4, .accept = 1 };

	g_assert_false(tsr_kiosk_is_request(TSR_KIOSK_INSTALL));
	hdr(&m, TSR_KIOSK_INSTALL);
	tsr_kiosk_set_string(m.disk, sizeof(m.disk), "nvme0n1");
	tsr_kiosk_set_string(m.model, sizeof(m.model), "SAMSUNG MZVLB256HBHQ-000L7");
	refused(&m, sizeof(m), "out of range"); /* state 0 is no state */
	m.state = TSR_KIOSK_INSTALL_OFFER;
	g_assert_cmpint(tsr_kiosk_msg_check(&m, sizeof(m), NULL), ==, 0);
	struct tsr_kiosk_install bad = m;
	bad.size_bytes = 0;
	refused(&bad, sizeof(bad), "disk");
	static const char *const names[] = { "", "../sda", "/dev/sda", "Sda", "0sda", "sda.1",
					     "sd a" };
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		bad = m;
		tsr_kiosk_set_string(bad.disk, sizeof(bad.disk), names[i]);
		refused(&bad, sizeof(bad), "disk");
		g_assert_false(tsr_kiosk_disk_name_ok(names[i]));
	}
	bad = m;
	bad.disk[sizeof(bad.disk) - 1] = 'x'; /* a byte after the terminator */
	refused(&bad, sizeof(bad), "disk");
	memset(bad.disk, 'a', sizeof(bad.disk)); /* and none at all */
	refused(&bad, sizeof(bad), "disk");
	bad = m;
	tsr_kiosk_set_string(bad.text, sizeof(bad.text), "an offer carries no text");
	refused(&bad, sizeof(bad), "text");
	bad = m;
	bad.reserved = 1;
	refused(&bad, sizeof(bad), "reserved");
	bad = m;
	bad.model[0] = (char)0xff; /* not UTF-8 */
	refused(&bad, sizeof(bad), "text");
	for (uint32_t st = TSR_KIOSK_INSTALL_RUNNING; st <= TSR_KIOSK_INSTALL_FAILED; st++) {
		struct tsr_kiosk_install r = m;
		r.state = st;
		refused(&r, sizeof(r), "text");
		tsr_kiosk_set_string(r.text, sizeof(r.text), "[3/5] the root: 812 MiB of files");
		g_assert_cmpint(tsr_kiosk_msg_check(&r, sizeof(r), NULL), ==, 0);
	}
	bad = m;
	bad.state = TSR_KIOSK_INSTALL_FAILED + 1;
	refused(&bad, sizeof(bad), "out of range");

	hdr(&a, TSR_KIOSK_INSTALL_ANSWER);
	g_assert_true(tsr_kiosk_is_request(TSR_KIOSK_INSTALL_ANSWER));
	refused(&a, sizeof(a), "disk"); /* a yes names the disk */
	tsr_kiosk_set_string(a.disk, sizeof(a.disk), "nvme0n1");
	g_assert_cmpint(tsr_kiosk_msg_check(&a, sizeof(a), NULL), ==, 0);
	struct tsr_kiosk_install_answer b = a;
	tsr_kiosk_set_string(b.disk, sizeof(b.disk), "../../dev/sda");
	refused(&b, sizeof(b), "disk");
	b = a;
	b.accept = 0; /* a no names nothing */
	refused(&b, sizeof(b), "disk");
	memset(b.disk, 0, sizeof(b.disk));
	g_assert_cmpint(tsr_kiosk_msg_check(&b, sizeof(b), NULL), ==, 0);
	b.accept = 2;
	refused(&b, sizeof(b), "not 0 or 1");
	b = a;
	b.seq = 0;
	refused(&b, sizeof(b), "seq 0");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/broker/kiosk-proto/login-and-refusals", test_login);
	g_test_add_func("/broker/kiosk-proto/enrol-offer-refusal-and-answer", test_enrol);
	g_test_add_func("/broker/kiosk-proto/install-offer-progress-and-answer", test_install);
	g_test_add_func("/broker/kiosk-proto/domain-requests", test_domain_requests);
	g_test_add_func("/broker/kiosk-proto/broker-messages", test_broker_messages);
	g_test_add_func("/broker/kiosk-proto/device", test_device);
	g_test_add_func("/broker/kiosk-proto/console", test_console);
	g_test_add_func("/broker/kiosk-proto/clipboard-policy", test_clipboard_policy);
	g_test_add_func("/broker/kiosk-proto/clipboard-audit", test_clipboard_audit);
	g_test_add_func("/broker/kiosk-proto/backlight-brightness-request", test_brightness);
	g_test_add_func("/broker/kiosk-proto/battery-power-text", test_power);
	g_test_add_func("/broker/kiosk-proto/lock-shown-request", test_lock_shown);
	g_test_add_func("/broker/kiosk-proto/set-string-utf8", test_set_string);
	return g_test_run();
}
