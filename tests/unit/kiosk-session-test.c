/* tests/unit/kiosk-session-test.c: the kiosk's session state machine against a fake broker.
 *
 * The fake broker is the other end of a SOCK_SEQPACKET socketpair: the test sends what the real
 * broker would (SETTINGS, SESSION, DOMAIN, REPLY with a viewer fd, NOTIFY) and reads the
 * requests the session sends. Time is a fake clock. Every transition is driven and checked, and
 * so are the rejections: keys in a state that takes none, console input beyond its rights,
 * malformed broker messages. */
#include "config.h"
#include "kiosk/session.h"

#include "common/frame.h"
#include "policy/policy.h"

#include <errno.h>
#include <glib.h>
#include <linux/input-event-codes.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/unit/kiosk-fake-broker.h"

static void test_starts_locked(void)
{
	struct fx f = { 0 };

	fx_init(&f);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOCKED);
	g_assert_true(tsr_session_waiting_broker(f.s));
	g_assert_true(tsr_session_requires_sas(f.s));
	settings(&f, true, 0, TSR_POLICY_CONSOLE_NONE);
	session_msg(&f, TSR_KIOSK_SESSION_LOGIN, NULL);
	g_assert_false(tsr_session_waiting_broker(f.s));
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOCKED);
	/* A password typed before the SAS goes nowhere and is not kept for later. */
	g_assert_false(key(&f, KEY_S, "s", TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_false(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_true(sas(&f, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOGIN);
	g_assert_cmpstr(tsr_session_typed_user(f.s), ==, "");
	g_assert_cmpuint(tsr_session_password_chars(f.s), ==, 0);
	assert_no_request(&f);
	/* Escape goes back to the locked screen. */
	type(&f, "bob");
	g_assert_true(key(&f, KEY_ESC, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOCKED);
	g_assert_cmpstr(tsr_session_typed_user(f.s), ==, "");
	fx_clear(&f);
}

/* Not enrolled: a trusted screen that takes no text, no SAS, no click into a login field, and
 * sends the broker nothing; enrolled later, the laptop's usual locked screen. */
static void test_not_enrolled(void)
{
	struct fx f = { 0 };

	fx_init(&f);
	settings(&f, true, 0, TSR_POLICY_CONSOLE_FULL);
	session_msg(&f, TSR_KIOSK_SESSION_NOT_ENROLLED, NULL);
	g_assert_false(tsr_session_waiting_broker(f.s));
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_NOT_ENROLLED);
	g_assert_false(sas(&f, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_false(sas(&f, TSR_KIOSK_ORIGIN_CONSOLE));
	g_assert_false(key(&f, KEY_A, "a", TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_false(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_false(tsr_session_login_field(f.s, 0, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_false(tsr_session_select(f.s, 0, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_NOT_ENROLLED);
	g_assert_cmpstr(tsr_session_typed_user(f.s), ==, "");
	assert_no_request(&f);
	session_msg(&f, TSR_KIOSK_SESSION_LOGIN, NULL);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOCKED);
	g_assert_true(sas(&f, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOGIN);
	fx_clear(&f);
}

static void test_no_sas_policy(void)
{
	struct fx f = { 0 };

	fx_init(&f);
	settings(&f, false, 0, TSR_POLICY_CONSOLE_NONE);
	session_msg(&f, TSR_KIOSK_SESSION_LOGIN, NULL);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOGIN);
	type(&f, "a");
	g_assert_cmpstr(tsr_session_typed_user(f.s), ==, "a");
	fx_clear(&f);
}

static void test_wrong_then_right(void)
{
	struct fx f = { 0 };
	struct tsr_kiosk_login m;
	bool err = false;
	uint32_t seq;

	fx_init(&f);
	settings(&f, true, 0, TSR_POLICY_CONSOLE_NONE);
	session_msg(&f, TSR_KIOSK_SESSION_LOGIN, NULL);
	g_assert_true(sas(&f, TSR_KIOSK_ORIGIN_LOCAL));
	/* Enter with no user name asks for it, sends nothing. */
	g_assert_true(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_true(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	assert_no_request(&f);
	g_assert_cmpstr(tsr_session_message(f.s, &err), ==, "Type your user name first.");
	g_assert_true(err);
	type(&f, "alicex");
	g_assert_true(key(&f, KEY_BACKSPACE, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpstr(tsr_session_typed_user(f.s), ==, "alice");
	g_assert_true(key(&f, KEY_TAB, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpint(tsr_session_field(f.s), ==, 1);
	type(&f, "wrong");
	g_assert_true(key(&f, KEY_A, "\xc3\xa9", TSR_KIOSK_ORIGIN_LOCAL)); /* é: 2 bytes, 1 dot */
	g_assert_cmpuint(tsr_session_password_chars(f.s), ==, 6);
	g_assert_true(key(&f, KEY_BACKSPACE, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpuint(tsr_session_password_chars(f.s), ==, 5);
	g_assert_true(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	seq = brecv(&f, TSR_KIOSK_LOGIN, &m);
	g_assert_cmpstr(m.user, ==, "alice");
	g_assert_cmpuint(m.password_len, ==, 5);
	g_assert_cmpmem(m.password, 5, "wrong", 5);
	/* Sent means wiped, and input waits for the answer. */
	g_assert_true(tsr_session_busy(f.s));
	g_assert_cmpuint(tsr_session_password_chars(f.s), ==, 0);
	g_assert_false(key(&f, KEY_A, "a", TSR_KIOSK_ORIGIN_LOCAL));
	reply(&f, seq, TSR_KIOSK_E_DENIED, 0, "Wrong user name or password.", -1);
	g_assert_false(tsr_session_busy(f.s));
	g_assert_cmpstr(tsr_session_message(f.s, &err), ==, "Wrong user name or password.");
	g_assert_true(err);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOGIN);
	g_assert_cmpint(tsr_session_field(f.s), ==, 1);
	g_assert_cmpstr(tsr_session_typed_user(f.s), ==, "alice");
	type(&f, "right");
	g_assert_true(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	seq = brecv(&f, TSR_KIOSK_LOGIN, &m);
	g_assert_cmpmem(m.password, m.password_len, "right", 5);
	session_msg(&f, TSR_KIOSK_SESSION_ACTIVE, "alice");
	reply(&f, seq, TSR_KIOSK_OK, 0, "Welcome.", -1);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_PICKER);
	g_assert_cmpstr(tsr_session_user(f.s), ==, "alice");
	g_assert_cmpstr(tsr_session_full_name(f.s), ==, "Alice Example");
	seq = brecv(&f, TSR_KIOSK_LIST, NULL);
	/* A refused list (the broker locked meanwhile) ends "loading" and keeps nothing stale. */
	g_assert_true(tsr_session_listing(f.s));
	reply(&f, seq, TSR_KIOSK_E_STATE, 0, "Log in or unlock first.", -1);
	g_assert_false(tsr_session_listing(f.s));
	g_assert_cmpuint(tsr_session_n_domains(f.s), ==, 0);
	g_assert_null(f.lost);
	fx_clear(&f);
}

static void test_lockout_and_lease(void)
{
	struct fx f = { 0 };
	bool err;
	uint32_t seq;

	f.have_lease = false;
	fx_init(&f);
	settings(&f, true, 0, TSR_POLICY_CONSOLE_NONE);
	session_msg(&f, TSR_KIOSK_SESSION_LOGIN, NULL);
	g_assert_true(sas(&f, TSR_KIOSK_ORIGIN_LOCAL));
	type(&f, "alice");
	g_assert_true(key(&f, KEY_TAB, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	type(&f, "x");
	g_assert_true(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	seq = brecv(&f, TSR_KIOSK_LOGIN, NULL);
	reply(&f, seq, TSR_KIOSK_E_LOCKED_OUT, 30000,
	      "Too many failed attempts: this account is locked for a while.", -1);
	g_assert_cmpstr(tsr_session_message(f.s, &err), ==,
			"Too many failed attempts: this account is locked for a while. (30 s)");
	/* Trying again before the time is up sends nothing. */
	type(&f, "y");
	g_assert_true(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	assert_no_request(&f);
	g_assert_true(g_str_has_prefix(tsr_session_message(f.s, NULL), "Wait 30 s"));
	g_assert_cmpint(tsr_session_next_tick_us(f.s), ==, 30000000);
	tsr_fake_clock_advance(f.clock, 30000000);
	tsr_session_tick(f.s);
	g_assert_cmpstr(tsr_session_message(f.s, NULL), ==, "");
	type(&f, "z");
	g_assert_true(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	seq = brecv(&f, TSR_KIOSK_LOGIN, NULL);
	reply(&f, seq, TSR_KIOSK_E_LEASE, 0, "", -1);
	g_assert_true(strstr(tsr_session_message(f.s, &err), "out of date") != NULL);
	g_assert_true(err);
	fx_clear(&f);

	/* With the lease known, the login screen warns before anyone types, and an expired
	 * policy is explained with the policy module's own sentence. */
	f.have_lease = true;
	f.lease = TSR_POLICY_LEASE_EXPIRED;
	fx_init(&f);
	settings(&f, true, 0, TSR_POLICY_CONSOLE_NONE);
	session_msg(&f, TSR_KIOSK_SESSION_LOGIN, NULL);
	g_assert_true(sas(&f, TSR_KIOSK_ORIGIN_LOCAL));
	g_autofree char *want = tsr_policy_lease_message(TSR_POLICY_LEASE_EXPIRED, 0);
	g_assert_cmpstr(tsr_session_message(f.s, NULL), ==, want);
	type(&f, "alice");
	g_assert_true(key(&f, KEY_TAB, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	type(&f, "x");
	g_assert_true(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	seq = brecv(&f, TSR_KIOSK_LOGIN, NULL);
	reply(&f, seq, TSR_KIOSK_E_LEASE, 0, "This laptop's policy is out of date.", -1);
	g_assert_cmpstr(tsr_session_message(f.s, &err), ==, want);
	fx_clear(&f);
}

static void test_pick_desktop_lock_unlock(void)
{
	struct fx f = { 0 };
	struct tsr_kiosk_login m;
	uint32_t seq;

	fx_init(&f);
	log_in(&f);
	/* The accelerator the broker reports travels with the domain's state. */
	g_assert_cmpint(tsr_session_domain(f.s, 1)->accel, ==, TSR_KIOSK_ACCEL_TCG);
	g_assert_cmpint(tsr_session_domain(f.s, 0)->accel, ==, TSR_KIOSK_ACCEL_NONE);
	/* Keys in the picker: arrows move the selection; Left on the first tile stays there (it
	 * does not wrap onto "Log out"), Right goes on to "Log out" and stops. */
	g_assert_true(key(&f, KEY_RIGHT, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpuint(tsr_session_selected(f.s), ==, 1);
	g_assert_true(key(&f, KEY_LEFT, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_true(key(&f, KEY_LEFT, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpuint(tsr_session_selected(f.s), ==, 0);
	g_assert_true(key(&f, KEY_UP, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpuint(tsr_session_selected(f.s), ==, 0);
	for (int i = 0; i < 5; i++)
		g_assert_true(key(&f, KEY_RIGHT, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpuint(tsr_session_selected(f.s), ==, 3);
	/* Enter on "Log out" asks first; Esc withdraws the question, nothing was sent. */
	g_assert_true(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_nonnull(strstr(tsr_session_message(f.s, NULL), "Log out?"));
	g_assert_true(key(&f, KEY_ESC, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpstr(tsr_session_message(f.s, NULL), ==, "");
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_PICKER);
	g_assert_false(key(&f, KEY_ESC, NULL, TSR_KIOSK_ORIGIN_LOCAL)); /* nothing on the desktop */
	/* Picked out of list order: personal first, then work. */
	pick(&f, 1);
	/* Text keys on the desktop are not the kiosk's. */
	g_assert_false(key(&f, KEY_A, "a", TSR_KIOSK_ORIGIN_LOCAL));
	/* Back to the picker, pick a second one. */
	g_assert_true(tsr_session_show_picker(f.s, TSR_KIOSK_ORIGIN_LOCAL));
	pick(&f, 0);
	g_assert_cmpint(tsr_session_layout(f.s), ==, TSR_LAYOUT_SINGLE);
	g_assert_true(tsr_session_action(f.s, TSR_INPUT_ACTION_TOGGLE_LAYOUT, 0,
					       TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpint(tsr_session_layout(f.s), ==, TSR_LAYOUT_TILED);
	/* Super+N and Super+Tab follow the tiles on screen (personal left, work right), not the
	 * domain list (work, personal, banking). */
	g_assert_true(tsr_session_action(f.s, TSR_INPUT_ACTION_FOCUS_SLOT, 1,
					       TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpstr(tsr_session_focus(f.s), ==, "personal");
	brecv(&f, TSR_KIOSK_FOCUS, NULL);
	g_assert_true(tsr_session_action(f.s, TSR_INPUT_ACTION_CYCLE_FOCUS, 1,
					       TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpstr(tsr_session_focus(f.s), ==, "work");
	brecv(&f, TSR_KIOSK_FOCUS, NULL);
	g_assert_true(tsr_session_action(f.s, TSR_INPUT_ACTION_FOCUS_SLOT, 1,
					       TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpstr(tsr_session_focus(f.s), ==, "personal");
	brecv(&f, TSR_KIOSK_FOCUS, NULL);
	g_assert_true(tsr_session_action(f.s, TSR_INPUT_ACTION_FOCUS_SLOT, 2,
					       TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpstr(tsr_session_focus(f.s), ==, "work");
	brecv(&f, TSR_KIOSK_FOCUS, NULL);
	tsr_session_focused(f.s, "personal");
	brecv(&f, TSR_KIOSK_FOCUS, NULL);
	g_assert_false(tsr_session_action(f.s, TSR_INPUT_ACTION_FOCUS_SLOT, 3,
						TSR_KIOSK_ORIGIN_LOCAL));
	/* Click-to-focus from the router. */
	tsr_session_focused(f.s, "work");
	g_assert_cmpstr(tsr_session_focus(f.s), ==, "work");
	brecv(&f, TSR_KIOSK_FOCUS, NULL);

	/* The SAS while unlocked locks at once, before the broker answers. */
	g_assert_true(sas(&f, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOCK);
	seq = brecv(&f, TSR_KIOSK_LOCK, NULL);
	session_msg(&f, TSR_KIOSK_SESSION_LOCKED, "alice");
	reply(&f, seq, TSR_KIOSK_OK, 0, "", -1);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOCK);
	g_assert_false(key(&f, KEY_A, "a", TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_false(tsr_session_action(f.s, TSR_INPUT_ACTION_TOGGLE_LAYOUT, 0,
						TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_false(tsr_session_show_picker(f.s, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_true(sas(&f, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_UNLOCK);
	type(&f, "pw");
	g_assert_true(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	seq = brecv(&f, TSR_KIOSK_UNLOCK, &m);
	g_assert_cmpmem(m.password, m.password_len, "pw", 2);
	session_msg(&f, TSR_KIOSK_SESSION_ACTIVE, "alice");
	reply(&f, seq, TSR_KIOSK_OK, 0, "", -1);
	/* Unlocking lists the domains again (their states may have changed meanwhile). */
	seq = brecv(&f, TSR_KIOSK_LIST, NULL);
	domain(&f, seq, "work", TSR_POLICY_COLOUR_RED, TSR_KIOSK_DOMAIN_RUNNING);
	domain(&f, seq, "personal", TSR_POLICY_COLOUR_GREEN, TSR_KIOSK_DOMAIN_RUNNING);
	domain(&f, seq, "banking", TSR_POLICY_COLOUR_BLUE, TSR_KIOSK_DOMAIN_STOPPED);
	reply(&f, seq, TSR_KIOSK_OK, 0, "", -1);
	/* Unlocking returns to the desktop as it was. */
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_DESKTOP);
	g_assert_cmpstr(tsr_session_focus(f.s), ==, "work");
	g_assert_cmpuint(f.hidden->len, ==, 0);

	/* Log out from the picker (asked, then confirmed): every shown domain is dropped, back
	 * to locked. */
	g_assert_true(tsr_session_show_picker(f.s, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_true(tsr_session_activate(f.s, 3, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_nonnull(strstr(tsr_session_message(f.s, NULL), "Log out?"));
	g_assert_true(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	seq = brecv(&f, TSR_KIOSK_LOGOUT, NULL);
	session_msg(&f, TSR_KIOSK_SESSION_LOGIN, NULL);
	reply(&f, seq, TSR_KIOSK_OK, 0, "", -1);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOCKED);
	g_assert_cmpuint(f.hidden->len, ==, 2);
	g_assert_cmpuint(tsr_session_n_domains(f.s), ==, 0);
	g_assert_null(tsr_session_focus(f.s));
	/* Logging in again starts on the first tile, not on "Log out". */
	log_in(&f);
	g_assert_cmpuint(tsr_session_selected(f.s), ==, 0);
	fx_clear(&f);
}

/* A QEMU domain's first screens are its device model's: the trusted starting screen stays until
 * the guest's own surface has a frame, or until the wait is over. */
static void test_starting_screen_until_guest_frame(void)
{
	struct fx f = { 0 };

	fx_init(&f);
	log_in(&f);
	/* personal is a QEMU domain (it has an accelerator): the 640x480 placeholder and the
	 * firmware's 720x400 text keep the picker. */
	pick_viewer(&f, 1);
	tsr_session_surface(f.s, "personal", 640, 480);
	tsr_session_first_frame(f.s, "personal");
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_PICKER);
	g_assert_true(tsr_session_domain(f.s, 1)->waiting_frame);
	tsr_session_surface(f.s, "personal", 720, 400);
	tsr_session_tick(f.s);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_PICKER);
	/* The guest's own surface: blank until something is drawn on it. */
	tsr_session_surface(f.s, "personal", 1024, 768);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_PICKER);
	tsr_session_first_frame(f.s, "personal");
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_DESKTOP);
	g_assert_cmpstr(tsr_session_focus(f.s), ==, "personal");
	brecv(&f, TSR_KIOSK_FOCUS, NULL);

	/* A domain without an accelerator (sim) has no device-model screens: its first surface
	 * is its own, whatever its size. */
	g_assert_true(tsr_session_show_picker(f.s, TSR_KIOSK_ORIGIN_LOCAL));
	pick_viewer(&f, 0);
	tsr_session_surface(f.s, "work", 640, 480);
	tsr_session_first_frame(f.s, "work");
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_DESKTOP);
	brecv(&f, TSR_KIOSK_FOCUS, NULL);

	/* A guest that never leaves the text screen is shown after the wait, as it is. */
	g_assert_true(tsr_session_show_picker(f.s, TSR_KIOSK_ORIGIN_LOCAL));
	domain_accel(&f, 0, "banking", TSR_POLICY_COLOUR_BLUE, TSR_KIOSK_DOMAIN_STARTING,
		     TSR_KIOSK_ACCEL_KVM);
	pick_viewer(&f, 2);
	tsr_session_surface(f.s, "banking", 720, 400);
	tsr_session_first_frame(f.s, "banking");
	tsr_fake_clock_advance(f.clock, (TSR_SESSION_START_SHOW_S - 1) * G_USEC_PER_SEC);
	tsr_session_tick(f.s);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_PICKER);
	tsr_fake_clock_advance(f.clock, 2 * G_USEC_PER_SEC);
	tsr_session_tick(f.s);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_DESKTOP);
	g_assert_cmpstr(tsr_session_focus(f.s), ==, "banking");
	fx_clear(&f);
}

static void test_pick_errors(void)
{
	struct fx f = { 0 };
	uint32_t seq;

	fx_init(&f);
	log_in(&f);
	/* Wrong state: no picking from the login screen, no layout on the picker. */
	g_assert_false(tsr_session_action(f.s, TSR_INPUT_ACTION_TOGGLE_LAYOUT, 0,
						TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_false(tsr_session_activate(f.s, 9, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_true(tsr_session_activate(f.s, 2, TSR_KIOSK_ORIGIN_LOCAL));
	seq = brecv(&f, TSR_KIOSK_PICK, NULL);
	/* A second activation while it starts sends nothing more. */
	g_assert_true(tsr_session_activate(f.s, 2, TSR_KIOSK_ORIGIN_LOCAL));
	assert_no_request(&f);
	reply(&f, seq, TSR_KIOSK_E_FAILED, 0, "banking could not start: no disk", -1);
	g_assert_cmpstr(tsr_session_message(f.s, NULL), ==, "banking could not start: no disk");
	g_assert_false(tsr_session_domain(f.s, 2)->pick_pending);
	g_assert_null(f.viewer_domain);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_PICKER);
	/* Stop a running domain with Delete. */
	g_assert_true(tsr_session_select(f.s, 1, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_true(key(&f, KEY_DELETE, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	seq = brecv(&f, TSR_KIOSK_STOP, NULL);
	reply(&f, seq, TSR_KIOSK_OK, 0, "", -1);
	domain(&f, 0, "personal", TSR_POLICY_COLOUR_GREEN, TSR_KIOSK_DOMAIN_STOPPED);
	g_assert_cmpint(tsr_session_domain(f.s, 1)->state, ==, TSR_KIOSK_DOMAIN_STOPPED);
	g_assert_false(key(&f, KEY_DELETE, NULL, TSR_KIOSK_ORIGIN_LOCAL)); /* already stopped */
	g_assert_null(f.lost);
	fx_clear(&f);
}

static void test_crash_and_notifications(void)
{
	struct fx f = { 0 };
	struct tsr_kiosk_notify n = { .kind = TSR_KIOSK_NOTE_DEVICE_ATTACHED };

	fx_init(&f);
	log_in(&f);
	pick(&f, 0);
	tsr_kiosk_set_string(n.domain, sizeof(n.domain), "work");
	tsr_kiosk_set_string(n.text, sizeof(n.text), "smartcard reader attached");
	bsend(&f, &n, TSR_KIOSK_NOTIFY);
	g_assert_cmpstr(tsr_session_notification(f.s), ==, "work: smartcard reader attached");
	domain(&f, 0, "work", TSR_POLICY_COLOUR_RED, TSR_KIOSK_DOMAIN_CRASHED);
	g_assert_cmpuint(f.hidden->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(f.hidden, 0), ==, "work");
	g_assert_cmpstr(tsr_session_notification(f.s), ==, "work: crashed");
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_PICKER);
	g_assert_null(tsr_session_focus(f.s));
	brecv(&f, TSR_KIOSK_FOCUS, NULL); /* focus "" told to the broker */
	tsr_fake_clock_advance(f.clock, TSR_KIOSK_NOTE_US);
	tsr_session_tick(f.s);
	g_assert_null(tsr_session_notification(f.s));
	fx_clear(&f);
}

static void test_idle_lock(void)
{
	struct fx f = { 0 };

	fx_init(&f);
	log_in(&f);
	settings(&f, true, 60, TSR_POLICY_CONSOLE_NONE);
	g_assert_cmpuint(f.last_settings.idle_lock_seconds, ==, 60);
	tsr_fake_clock_advance(f.clock, 59000000);
	tsr_session_tick(f.s);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_PICKER);
	tsr_session_activity(f.s);
	tsr_fake_clock_advance(f.clock, 59000000);
	tsr_session_tick(f.s);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_PICKER);
	g_assert_cmpint(tsr_session_next_tick_us(f.s), ==, 1000000);
	tsr_fake_clock_advance(f.clock, 1000000);
	tsr_session_tick(f.s);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOCK);
	brecv(&f, TSR_KIOSK_LOCK, NULL);
	fx_clear(&f);
}

/* With blank-after = 30: still lit 29 s on, dark (the offs-th time) at 30 s. */
static void dark_after_30s(struct fx *f, int offs)
{
	tsr_fake_clock_advance(f->clock, 29000000);
	tsr_session_tick(f->s);
	g_assert_false(tsr_session_blanked(f->s));
	tsr_fake_clock_advance(f->clock, 1000000);
	tsr_session_tick(f->s);
	g_assert_cmpint(f->blank_offs, ==, offs);
}

/* blank-after: counted from the lock (an idle lock does not go dark at once), outputs off
 * once, the first input only wakes them, and a session showing domains never blanks. */
static void test_blank_after_lock(void)
{
	struct fx f = { 0 };

	fx_init(&f);
	log_in(&f);
	settings_blank(&f, true, 60, TSR_POLICY_CONSOLE_NONE, 30);
	g_assert_cmpuint(f.last_settings.blank_after_seconds, ==, 30);
	tsr_fake_clock_advance(f.clock, 59000000);
	tsr_session_tick(f.s);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_PICKER);
	g_assert_false(tsr_session_blanked(f.s));
	tsr_fake_clock_advance(f.clock, 1000000);
	tsr_session_tick(f.s);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOCK);
	brecv(&f, TSR_KIOSK_LOCK, NULL);
	g_assert_false(tsr_session_blanked(f.s));
	g_assert_cmpint(tsr_session_next_tick_us(f.s), ==, 30000000);
	tsr_fake_clock_advance(f.clock, 29000000);
	tsr_session_tick(f.s);
	g_assert_false(tsr_session_blanked(f.s));
	g_assert_cmpint(f.blank_offs, ==, 0);
	tsr_fake_clock_advance(f.clock, 1000000);
	tsr_session_tick(f.s);
	g_assert_true(tsr_session_blanked(f.s));
	g_assert_cmpint(f.blank_offs, ==, 1);
	/* Off once: no timer left for it, and later ticks change nothing. */
	g_assert_cmpint(tsr_session_next_tick_us(f.s), ==, -1);
	tsr_fake_clock_advance(f.clock, 600000000);
	tsr_session_tick(f.s);
	g_assert_cmpint(f.blank_offs, ==, 1);
	/* The first input wakes; the next is input as usual. */
	g_assert_true(tsr_session_activity(f.s));
	g_assert_false(tsr_session_blanked(f.s));
	g_assert_cmpint(f.blank_ons, ==, 1);
	g_assert_false(tsr_session_activity(f.s));
	g_assert_cmpint(f.blank_ons, ==, 1);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOCK);
	/* Locked and untouched again: off again after the whole time. */
	dark_after_30s(&f, 2);
	fx_clear(&f);

	/* 0 never blanks; an unlocked picker never blanks. */
	fx_init(&f);
	log_in(&f);
	settings_blank(&f, true, 0, TSR_POLICY_CONSOLE_NONE, 30);
	tsr_fake_clock_advance(f.clock, 600000000);
	tsr_session_tick(f.s);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_PICKER);
	g_assert_false(tsr_session_blanked(f.s));
	settings_blank(&f, true, 0, TSR_POLICY_CONSOLE_NONE, 0);
	g_assert_true(sas(&f, TSR_KIOSK_ORIGIN_LOCAL)); /* the SAS while unlocked locks */
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOCK);
	tsr_fake_clock_advance(f.clock, 600000000);
	tsr_session_tick(f.s);
	g_assert_false(tsr_session_blanked(f.s));
	g_assert_cmpint(f.blank_offs, ==, 0);
	fx_clear(&f);
}

/* Logged in with blank-after as given, then the broker's LOCKED with OUTPUTS_OFF: locked, dark. */
static void lid_closed_dark(struct fx *f, uint32_t blank_after)
{
	fx_init(f);
	log_in(f);
	settings_blank(f, true, 0, TSR_POLICY_CONSOLE_NONE, blank_after);
	session_msg_flags(f, TSR_KIOSK_SESSION_LOCKED, "alice", TSR_KIOSK_SESSION_OUTPUTS_OFF);
	g_assert_cmpint(screen(f), ==, TSR_KIOSK_SCREEN_LOCK);
	g_assert_true(tsr_session_blanked(f->s));
}

/* The lid closed on a laptop that cannot suspend: the broker's LOCKED comes with OUTPUTS_OFF,
 * the outputs go off at once whatever blank-after says, and a key only wakes them. */
static void test_lid_outputs_off(void)
{
	struct fx f = { 0 };

	lid_closed_dark(&f, 0);
	g_assert_cmpint(f.blank_offs, ==, 1);
	/* Said again (the lid closed twice): off once. */
	session_msg_flags(&f, TSR_KIOSK_SESSION_LOCKED, "alice", TSR_KIOSK_SESSION_OUTPUTS_OFF);
	g_assert_cmpint(f.blank_offs, ==, 1);
	g_assert_true(tsr_session_activity(f.s));
	g_assert_false(tsr_session_blanked(f.s));
	g_assert_cmpint(f.blank_ons, ==, 1);
	g_assert_false(tsr_session_activity(f.s));
	/* A plain LOCKED leaves them lit. */
	session_msg(&f, TSR_KIOSK_SESSION_LOCKED, "alice");
	g_assert_false(tsr_session_blanked(f.s));
	/* Unlocked while dark (no local input): lit again for the desktop. */
	session_msg_flags(&f, TSR_KIOSK_SESSION_LOCKED, "alice", TSR_KIOSK_SESSION_OUTPUTS_OFF);
	g_assert_cmpint(f.blank_offs, ==, 2);
	session_msg(&f, TSR_KIOSK_SESSION_ACTIVE, "alice");
	g_assert_false(tsr_session_blanked(f.s));
	g_assert_cmpint(f.blank_ons, ==, 2);
	fx_clear(&f);
}

/* The lid opened: the broker's LOCKED with OUTPUTS_ON lights outputs the lid (no suspend) or
 * blank-after turned off, on the lock screen and without a key, and blank-after counts again
 * from the opening; with the outputs lit it changes nothing. */
static void test_lid_open_lights_the_lock_screen(void)
{
	struct fx f = { 0 };

	lid_closed_dark(&f, 30);
	tsr_fake_clock_advance(f.clock, 600000000);
	session_msg_flags(&f, TSR_KIOSK_SESSION_LOCKED, "alice", TSR_KIOSK_SESSION_OUTPUTS_ON);
	g_assert_false(tsr_session_blanked(f.s));
	g_assert_cmpint(f.blank_ons, ==, 1);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOCK);
	/* Not dark again at the next tick: a whole blank-after from the opening. */
	dark_after_30s(&f, 2);
	g_assert_true(tsr_session_blanked(f.s));
	/* After blank-after's dark the same; opened while lit, nothing happens. */
	session_msg_flags(&f, TSR_KIOSK_SESSION_LOCKED, "alice", TSR_KIOSK_SESSION_OUTPUTS_ON);
	g_assert_false(tsr_session_blanked(f.s));
	g_assert_cmpint(f.blank_ons, ==, 2);
	session_msg_flags(&f, TSR_KIOSK_SESSION_LOCKED, "alice", TSR_KIOSK_SESSION_OUTPUTS_ON);
	g_assert_cmpint(f.blank_ons, ==, 2);
	g_assert_cmpint(f.blank_offs, ==, 2);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOCK);
	fx_clear(&f);
}

/* A domain paused across a suspend keeps its place (the broker keeps its viewer): after the
 * unlock the desktop shows it again without a pick. */
static void test_paused_domain_stays_shown(void)
{
	struct fx f = { 0 };
	struct tsr_kiosk_login m;
	uint32_t seq;

	fx_init(&f);
	log_in(&f);
	pick(&f, 1);
	g_assert_true(sas(&f, TSR_KIOSK_ORIGIN_LOCAL));
	seq = brecv(&f, TSR_KIOSK_LOCK, NULL);
	session_msg(&f, TSR_KIOSK_SESSION_LOCKED, "alice");
	reply(&f, seq, TSR_KIOSK_OK, 0, "", -1);
	domain(&f, 0, "personal", TSR_POLICY_COLOUR_GREEN, TSR_KIOSK_DOMAIN_PAUSED);
	g_assert_cmpuint(f.hidden->len, ==, 0);
	domain(&f, 0, "personal", TSR_POLICY_COLOUR_GREEN, TSR_KIOSK_DOMAIN_RUNNING);
	g_assert_true(sas(&f, TSR_KIOSK_ORIGIN_LOCAL));
	type(&f, "pw");
	g_assert_true(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	seq = brecv(&f, TSR_KIOSK_UNLOCK, &m);
	session_msg(&f, TSR_KIOSK_SESSION_ACTIVE, "alice");
	reply(&f, seq, TSR_KIOSK_OK, 0, "", -1);
	seq = brecv(&f, TSR_KIOSK_LIST, NULL);
	domain(&f, seq, "personal", TSR_POLICY_COLOUR_GREEN, TSR_KIOSK_DOMAIN_RUNNING);
	reply(&f, seq, TSR_KIOSK_OK, 0, "", -1);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_DESKTOP);
	g_assert_cmpstr(tsr_session_focus(f.s), ==, "personal");
	g_assert_cmpuint(f.hidden->len, ==, 0);
	/* A domain that stops is still dropped. */
	domain(&f, 0, "personal", TSR_POLICY_COLOUR_GREEN, TSR_KIOSK_DOMAIN_STOPPED);
	g_assert_cmpuint(f.hidden->len, ==, 1);
	fx_clear(&f);
}

static void test_console_rights(void)
{
	struct fx f = { 0 };

	/* operate: domains and lock, never the trusted prompts. */
	fx_init(&f);
	settings(&f, true, 0, TSR_POLICY_CONSOLE_OPERATE);
	session_msg(&f, TSR_KIOSK_SESSION_LOGIN, NULL);
	g_assert_false(sas(&f, TSR_KIOSK_ORIGIN_CONSOLE));
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOCKED);
	g_assert_true(sas(&f, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_false(key(&f, KEY_A, "a", TSR_KIOSK_ORIGIN_CONSOLE));
	g_assert_cmpstr(tsr_session_typed_user(f.s), ==, "");
	fx_clear(&f);

	fx_init(&f);
	log_in(&f);
	settings(&f, true, 0, TSR_POLICY_CONSOLE_OPERATE);
	g_assert_false(tsr_session_activate(f.s, 0, TSR_KIOSK_ORIGIN_CONSOLE));
	pick(&f, 0);
	g_assert_true(tsr_session_action(f.s, TSR_INPUT_ACTION_TOGGLE_LAYOUT, 0,
					       TSR_KIOSK_ORIGIN_CONSOLE));
	g_assert_true(sas(&f, TSR_KIOSK_ORIGIN_CONSOLE)); /* locking is always allowed */
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOCK);
	brecv(&f, TSR_KIOSK_LOCK, NULL);
	g_assert_false(sas(&f, TSR_KIOSK_ORIGIN_CONSOLE)); /* but never unlocking */
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOCK);
	/* view: nothing at all. */
	settings(&f, true, 0, TSR_POLICY_CONSOLE_VIEW);
	g_assert_false(sas(&f, TSR_KIOSK_ORIGIN_CONSOLE));
	g_assert_true(sas(&f, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_false(key(&f, KEY_A, "a", TSR_KIOSK_ORIGIN_CONSOLE));
	g_assert_cmpuint(tsr_session_password_chars(f.s), ==, 0);
	/* full: everything. */
	settings(&f, true, 0, TSR_POLICY_CONSOLE_FULL);
	g_assert_true(key(&f, KEY_A, "a", TSR_KIOSK_ORIGIN_CONSOLE));
	g_assert_cmpuint(tsr_session_password_chars(f.s), ==, 1);
	fx_clear(&f);
}

static void test_kiosk_restart_locked(void)
{
	struct fx f = { 0 };

	/* A kiosk (re)started into a session the broker holds locked shows the lock screen and
	 * lists nothing until unlocked. */
	fx_init(&f);
	settings(&f, true, 0, TSR_POLICY_CONSOLE_NONE);
	session_msg(&f, TSR_KIOSK_SESSION_LOCKED, "alice");
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOCK);
	g_assert_cmpstr(tsr_session_user(f.s), ==, "alice");
	assert_no_request(&f);
	fx_clear(&f);
}

/* The session's copy of an fd sent on a message (sv[0], sent) was closed: the peer, sv[1], sees
 * no other holder once we close ours. Closes both. */
static void assert_fd_closed(int sv[2])
{
	struct pollfd p = { sv[1], POLLIN, 0 };

	close(sv[0]);
	g_assert_cmpint(poll(&p, 1, 1000), ==, 1);
	g_assert_true(p.revents & POLLHUP);
	close(sv[1]);
}

/* The link was cut, for a reason that names what. */
static void assert_lost(const struct fx *f, const char *what)
{
	g_assert_nonnull(f->lost);
	g_assert_nonnull(strstr(f->lost, what));
}

static void test_broker_errors(void)
{
	struct fx f = { 0 };
	struct tsr_kiosk_reply r = { .seq = 77 };
	uint8_t junk[16] = { 0 };
	int sv[2];

	/* A reply to nothing. */
	fx_init(&f);
	bsend(&f, &r, TSR_KIOSK_REPLY);
	g_assert_cmpstr(f.lost, ==, "a reply to no request");
	g_assert_cmpint(tsr_session_dispatch(f.s), ==, -1);
	fx_clear(&f);

	/* A message of the wrong size for its type. */
	fx_init(&f);
	g_assert_cmpint(tsr_frame_send(f.broker, junk, sizeof(junk), TSR_KIOSK_SESSION,
				       TSR_KIOSK_PROTO_VERSION, NULL, 0), ==, 0);
	g_assert_cmpint(tsr_session_dispatch(f.s), ==, -1);
	g_assert_true(g_str_has_prefix(f.lost, "bad message from the broker"));
	fx_clear(&f);

	/* A request type coming from the broker. */
	fx_init(&f);
	{
		struct tsr_kiosk_request q = { .seq = 1 };
		bsend(&f, &q, TSR_KIOSK_LIST);
	}
	g_assert_true(g_str_has_prefix(f.lost, "bad message from the broker"));
	fx_clear(&f);

	/* An fd where none belongs is closed and ends the link. */
	fx_init(&f);
	g_assert_cmpint(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), ==, 0);
	{
		struct tsr_kiosk_session m = { .state = TSR_KIOSK_SESSION_LOGIN };
		bsend_fd(&f, &m, TSR_KIOSK_SESSION, sv[0]);
	}
	g_assert_cmpstr(f.lost, ==, "an fd on a message that carries none");
	assert_fd_closed(sv);
	fx_clear(&f);

	/* A lent device must come with its fd, a removed one without; a console link with its
	 * fd. Each breaks the link otherwise, and an fd that came along is closed. */
	fx_init(&f);
	{
		struct tsr_kiosk_device m = { .id = 3, .kind = TSR_KIOSK_DEVICE_EVDEV,
					      .action = TSR_KIOSK_DEVICE_ADD };
		tsr_kiosk_set_string(m.node, sizeof(m.node), "/dev/input/event3");
		bsend(&f, &m, TSR_KIOSK_DEVICE);
	}
	assert_lost(&f, "device message");
	fx_clear(&f);
	fx_init(&f);
	g_assert_cmpint(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), ==, 0);
	{
		struct tsr_kiosk_device m = { .id = 3, .kind = TSR_KIOSK_DEVICE_EVDEV,
					      .action = TSR_KIOSK_DEVICE_REMOVE };
		tsr_kiosk_set_string(m.node, sizeof(m.node), "/dev/input/event3");
		bsend_fd(&f, &m, TSR_KIOSK_DEVICE, sv[0]);
	}
	assert_lost(&f, "device message");
	assert_fd_closed(sv);
	fx_clear(&f);
	fx_init(&f);
	{
		struct tsr_kiosk_console m = { 0 };
		bsend(&f, &m, TSR_KIOSK_CONSOLE);
	}
	assert_lost(&f, "console");
	fx_clear(&f);

	/* The broker going away. */
	fx_init(&f);
	close(f.broker);
	f.broker = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	g_assert_cmpint(tsr_session_dispatch(f.s), ==, -1);
	g_assert_cmpstr(f.lost, ==, "the broker closed the link");
	/* Input after that does nothing and sends nothing. */
	g_assert_false(sas(&f, TSR_KIOSK_ORIGIN_LOCAL));
	fx_clear(&f);
}

/* An enrolment disk's offer: only Enter or Escape on the laptop's own keyboard answer it, once;
 * the console's keys and typed text do nothing; a refusal from the broker is shown. */
static void test_enrol_offer(void)
{
	struct fx f = { 0 };
	struct tsr_kiosk_enrol offer = { .state = TSR_KIOSK_ENROL_OFFER, .n_roots = 1 };
	struct tsr_kiosk_enrol_answer a;

	fx_init(&f);
	settings(&f, true, 0, TSR_POLICY_CONSOLE_FULL);
	session_msg(&f, TSR_KIOSK_SESSION_NOT_ENROLLED, NULL);
	tsr_kiosk_set_string(offer.organization, sizeof(offer.organization), "example-org");
	tsr_kiosk_set_string(offer.group, sizeof(offer.group), "office");
	tsr_kiosk_set_string(offer.fingerprint, sizeof(offer.fingerprint), "c436-8fe5-52e6-c14b");
	g_assert_false(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL)); /* nothing offered */
	bsend(&f, &offer, TSR_KIOSK_ENROL);
	g_assert_cmpstr(tsr_session_enrol(f.s)->fingerprint, ==, "c436-8fe5-52e6-c14b");
	g_assert_false(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_CONSOLE));
	g_assert_false(key(&f, KEY_A, "a", TSR_KIOSK_ORIGIN_LOCAL));
	assert_no_request(&f);
	g_assert_true(key(&f, KEY_ESC, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	uint32_t seq = brecv(&f, TSR_KIOSK_ENROL_ANSWER, &a);
	g_assert_cmpuint(a.accept, ==, 0);
	g_assert_false(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL)); /* one answer at a time */
	reply(&f, seq, TSR_KIOSK_OK, 0, "", -1);
	g_assert_true(key(&f, KEY_KPENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	seq = brecv(&f, TSR_KIOSK_ENROL_ANSWER, &a);
	g_assert_cmpuint(a.accept, ==, 1);
	reply(&f, seq, TSR_KIOSK_E_FAILED, 0, "Enrolment failed: disk full", -1);
	bool error = false;
	g_assert_cmpstr(tsr_session_message(f.s, &error), ==, "Enrolment failed: disk full");
	g_assert_true(error);
	/* Enrolled: the offer is gone with the not-enrolled state. */
	session_msg(&f, TSR_KIOSK_SESSION_LOGIN, NULL);
	g_assert_cmpuint(tsr_session_enrol(f.s)->state, ==, TSR_KIOSK_ENROL_NONE);
	fx_clear(&f);
}

static void install_msg(struct fx *f, enum tsr_kiosk_install_state st, const char *text)
{
	struct tsr_kiosk_install m = { .state = st, .size_bytes = 3221225472ull };

	tsr_kiosk_set_string(m.disk, sizeof(m.disk), "vdb");
	tsr_kiosk_set_string(m.model, sizeof(m.model), "QEMU HARDDISK");
	tsr_kiosk_set_string(m.text, sizeof(m.text), text);
	bsend(f, &m, TSR_KIOSK_INSTALL);
}

/* The install offer erases a disk: only its name typed on the laptop's own keyboard and Enter
 * say yes (a stray Enter, the console's keys, other characters do nothing), Escape says no;
 * while it runs no key answers; its end is left with Escape. */
static void test_install_offer(void)
{
	struct fx f = { 0 };
	struct tsr_kiosk_install_answer a;
	bool error = false;

	fx_init(&f);
	settings(&f, true, 0, TSR_POLICY_CONSOLE_FULL);
	session_msg(&f, TSR_KIOSK_SESSION_INSTALL, NULL);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_INSTALL);
	g_assert_false(sas(&f, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_false(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL)); /* nothing offered */
	install_msg(&f, TSR_KIOSK_INSTALL_OFFER, "");
	g_assert_cmpstr(tsr_session_install(f.s)->disk, ==, "vdb");
	g_assert_false(key(&f, KEY_V, "v", TSR_KIOSK_ORIGIN_CONSOLE));
	g_assert_false(key(&f, KEY_ESC, NULL, TSR_KIOSK_ORIGIN_CONSOLE));
	g_assert_false(key(&f, KEY_V, "V", TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_false(key(&f, KEY_SLASH, "/", TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_true(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL)); /* a stray Enter */
	g_assert_cmpstr(tsr_session_message(f.s, &error), ==, "Type vdb, the disk's name, then Enter.");
	g_assert_true(error);
	type(&f, "vd");
	g_assert_true(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	assert_no_request(&f);
	type(&f, "bx");
	g_assert_cmpstr(tsr_session_install_typed(f.s), ==, "vdbx");
	g_assert_true(key(&f, KEY_BACKSPACE, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_true(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	uint32_t seq = brecv(&f, TSR_KIOSK_INSTALL_ANSWER, &a);
	g_assert_cmpuint(a.accept, ==, 1);
	g_assert_cmpstr(a.disk, ==, "vdb");
	g_assert_false(key(&f, KEY_ESC, NULL, TSR_KIOSK_ORIGIN_LOCAL)); /* one answer at a time */
	reply(&f, seq, TSR_KIOSK_OK, 0, "", -1);
	install_msg(&f, TSR_KIOSK_INSTALL_RUNNING, "[1/5] clearing /dev/vdb's partition table");
	g_assert_false(key(&f, KEY_ESC, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_false(key(&f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	assert_no_request(&f);
	/* The lid closed meanwhile: the same state again keeps the screen. */
	session_msg_flags(&f, TSR_KIOSK_SESSION_INSTALL, NULL, TSR_KIOSK_SESSION_OUTPUTS_OFF);
	g_assert_cmpuint(tsr_session_install(f.s)->state, ==, TSR_KIOSK_INSTALL_RUNNING);
	install_msg(&f, TSR_KIOSK_INSTALL_FAILED, "refused: /dev/vdb is in use");
	g_assert_true(key(&f, KEY_ESC, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	seq = brecv(&f, TSR_KIOSK_INSTALL_ANSWER, &a);
	g_assert_cmpuint(a.accept, ==, 0);
	g_assert_cmpstr(a.disk, ==, "");
	reply(&f, seq, TSR_KIOSK_OK, 0, "", -1);
	session_msg(&f, TSR_KIOSK_SESSION_NOT_ENROLLED, NULL);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_NOT_ENROLLED);
	g_assert_cmpuint(tsr_session_install(f.s)->state, ==, 0);
	/* An install outside the install screen breaks the link. */
	install_msg(&f, TSR_KIOSK_INSTALL_OFFER, "");
	assert_lost(&f, "install");
	fx_clear(&f);
}

/* Escape on the offer declines it; the broker's refusal of a name is shown. */
static void test_install_declined(void)
{
	struct fx f = { 0 };
	struct tsr_kiosk_install_answer a;

	fx_init(&f);
	session_msg(&f, TSR_KIOSK_SESSION_INSTALL, NULL);
	install_msg(&f, TSR_KIOSK_INSTALL_OFFER, "");
	type(&f, "vdb");
	g_assert_true(key(&f, KEY_KPENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	uint32_t seq = brecv(&f, TSR_KIOSK_INSTALL_ANSWER, &a);
	reply(&f, seq, TSR_KIOSK_E_DENIED, 0, "Type vdb, the disk's name, to erase it.", -1);
	g_assert_cmpstr(tsr_session_message(f.s, NULL), ==, "Type vdb, the disk's name, to erase it.");
	g_assert_true(key(&f, KEY_ESC, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	seq = brecv(&f, TSR_KIOSK_INSTALL_ANSWER, &a);
	g_assert_cmpuint(a.accept, ==, 0);
	reply(&f, seq, TSR_KIOSK_OK, 0, "", -1);
	session_msg(&f, TSR_KIOSK_SESSION_LOGIN, NULL);
	g_assert_cmpint(screen(&f), ==, TSR_KIOSK_SCREEN_LOCKED);
	fx_clear(&f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/kiosk/session/starts-locked-and-drops-keys-before-sas", test_starts_locked);
	g_test_add_func("/kiosk/session/not-enrolled-offers-no-login", test_not_enrolled);
	g_test_add_func("/kiosk/session/enrol-offer-answered-by-local-keys-only", test_enrol_offer);
	g_test_add_func("/kiosk/session/install-offer-takes-the-disk-name-typed-locally",
			test_install_offer);
	g_test_add_func("/kiosk/session/install-offer-declined-with-escape", test_install_declined);
	g_test_add_func("/kiosk/session/policy-can-drop-the-sas", test_no_sas_policy);
	g_test_add_func("/kiosk/session/wrong-then-right-password", test_wrong_then_right);
	g_test_add_func("/kiosk/session/lock-out-and-expired-policy", test_lockout_and_lease);
	g_test_add_func("/kiosk/session/pick-desktop-lock-unlock-logout",
			test_pick_desktop_lock_unlock);
	g_test_add_func("/kiosk/session/starting-screen-until-guest-frame",
			test_starting_screen_until_guest_frame);
	g_test_add_func("/kiosk/session/pick-errors-and-stop", test_pick_errors);
	g_test_add_func("/kiosk/session/crash-and-notifications", test_crash_and_notifications);
	g_test_add_func("/kiosk/session/idle-lock", test_idle_lock);
	g_test_add_func("/kiosk/session/blank-after-lock", test_blank_after_lock);
	g_test_add_func("/kiosk/session/lid-no-suspend-outputs-off", test_lid_outputs_off);
	g_test_add_func("/kiosk/session/lid-open-lights-the-lock-screen",
			test_lid_open_lights_the_lock_screen);
	g_test_add_func("/kiosk/session/resume-paused-domain-stays-shown",
			test_paused_domain_stays_shown);
	g_test_add_func("/kiosk/session/console-rights", test_console_rights);
	g_test_add_func("/kiosk/session/restarted-kiosk-is-locked", test_kiosk_restart_locked);
	g_test_add_func("/kiosk/session/rejects-bad-broker-messages", test_broker_errors);
	return g_test_run();
}
