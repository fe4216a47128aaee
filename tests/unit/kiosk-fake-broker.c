/* tests/unit/kiosk-fake-broker.c: the fake broker (see kiosk-fake-broker.h). */
#include "config.h"
#include "tests/unit/kiosk-fake-broker.h"

#include "common/frame.h"
#include "policy/policy.h"

#include <errno.h>
#include <linux/input-event-codes.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>


static void on_changed(void *data)
{
	((struct fx *)data)->changed++;
}

static void on_viewer(void *data, const char *domain, int fd)
{
	struct fx *f = data;

	g_free(f->viewer_domain);
	f->viewer_domain = g_strdup(domain);
	if (f->viewer_fd >= 0)
		close(f->viewer_fd);
	f->viewer_fd = fd;
}

static void on_hide(void *data, const char *domain)
{
	g_ptr_array_add(((struct fx *)data)->hidden, g_strdup(domain));
}

static void on_settings(void *data, const struct tsr_kiosk_settings *m)
{
	((struct fx *)data)->last_settings = *m;
}

static void on_blank(void *data, bool off)
{
	struct fx *f = data;

	if (off)
		f->blank_offs++;
	else
		f->blank_ons++;
}

static void on_lost(void *data, const char *why)
{
	struct fx *f = data;

	g_free(f->lost);
	f->lost = g_strdup(why);
}

static const struct tsr_session_hooks hooks = {
	.changed = on_changed, .viewer = on_viewer, .hide = on_hide,
	.settings = on_settings, .blank = on_blank, .broker_lost = on_lost,
};

void fx_init(struct fx *f)
{
	int sv[2];
	bool have_lease = f->have_lease;
	int lease = f->lease;

	/* Only the lease is set by a test before init. */
	memset(f, 0, sizeof(*f));
	f->have_lease = have_lease;
	f->lease = lease;
	g_assert_cmpint(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), ==, 0);
	f->broker = sv[0];
	f->viewer_fd = -1;
	f->hidden = g_ptr_array_new_with_free_func(g_free);
	f->clock = tsr_fake_clock_create(1000000000);
	struct tsr_session_config c = {
		.broker_fd = sv[1], .clock = tsr_fake_clock_get(f->clock),
		.organization = "Example Org", .have_lease = f->have_lease, .lease = f->lease,
		.hooks = &hooks, .data = f,
	};
	f->s = tsr_session_create(&c);
	g_assert_nonnull(f->s);
}

void fx_clear(struct fx *f)
{
	tsr_session_destroy(f->s);
	close(f->broker);
	if (f->viewer_fd >= 0)
		close(f->viewer_fd);
	g_free(f->viewer_domain);
	g_free(f->lost);
	g_ptr_array_free(f->hidden, TRUE);
	tsr_fake_clock_destroy(f->clock);
}

/* Send a broker message and let the session read it. */
void bsend_fd(struct fx *f, void *msg, uint16_t type, int fd)
{
	g_assert_cmpint(tsr_frame_send(f->broker, msg, tsr_kiosk_msg_size(type), type,
				       TSR_KIOSK_PROTO_VERSION, fd >= 0 ? &fd : NULL, fd >= 0), ==, 0);
	if (tsr_session_dispatch(f->s) < 0)
		g_assert_nonnull(f->lost);
}

void bsend(struct fx *f, void *msg, uint16_t type)
{
	bsend_fd(f, msg, type, -1);
}

/* The next request from the session, which must be of type. */
uint32_t brecv(struct fx *f, uint16_t type, void *out)
{
	uint8_t buf[TSR_KIOSK_MSG_MAX];
	struct pollfd p = { f->broker, POLLIN, 0 };
	const char *why = NULL;
	ssize_t n;
	uint32_t seq;
	size_t nfds = 0;

	g_assert_cmpint(poll(&p, 1, 5000), ==, 1);
	n = tsr_frame_recv(f->broker, buf, sizeof(buf), TSR_KIOSK_PROTO_VERSION, NULL, 0, &nfds);
	g_assert_cmpint(n, >, 0);
	g_assert_cmpint(tsr_kiosk_msg_check(buf, (size_t)n, &why), ==, 0);
	g_assert_cmpuint(((struct tsr_frame_header *)buf)->type, ==, type);
	if (out)
		memcpy(out, buf, (size_t)n);
	memcpy(&seq, buf + sizeof(struct tsr_frame_header), sizeof(seq));
	return seq;
}

void assert_no_request(struct fx *f)
{
	struct pollfd p = { f->broker, POLLIN, 0 };

	g_assert_cmpint(poll(&p, 1, 0), ==, 0);
}

void settings(struct fx *f, bool requires_sas, uint32_t idle, uint32_t console)
{
	settings_blank(f, requires_sas, idle, console, 0);
}

void settings_blank(struct fx *f, bool requires_sas, uint32_t idle, uint32_t console,
		    uint32_t blank_after)
{
	struct tsr_kiosk_settings m = { .idle_lock_seconds = idle, .console = console,
					.locked_requires_sas = requires_sas,
					.blank_after_seconds = blank_after };

	struct tsr_policy_hotkeys keys;

	tsr_policy_hotkeys_init_default(&keys);
	tsr_kiosk_hotkeys_pack(&m.hotkeys, &keys);
	tsr_kiosk_set_string(m.sas, sizeof(m.sas), "Ctrl+Alt+Backspace");
	bsend(f, &m, TSR_KIOSK_SETTINGS);
}

void session_msg(struct fx *f, enum tsr_kiosk_session_state st, const char *user)
{
	session_msg_flags(f, st, user, 0);
}

void session_msg_flags(struct fx *f, enum tsr_kiosk_session_state st, const char *user,
		       uint32_t flags)
{
	struct tsr_kiosk_session m = { .state = st, .flags = flags };

	tsr_kiosk_set_string(m.user, sizeof(m.user), user);
	if (user)
		tsr_kiosk_set_string(m.full_name, sizeof(m.full_name), "Alice Example");
	bsend(f, &m, TSR_KIOSK_SESSION);
}

void reply(struct fx *f, uint32_t seq, enum tsr_kiosk_status st, uint32_t retry,
		  const char *text, int fd)
{
	struct tsr_kiosk_reply m = { .seq = seq, .status = st, .retry_ms = retry };

	tsr_kiosk_set_string(m.message, sizeof(m.message), text);
	bsend_fd(f, &m, TSR_KIOSK_REPLY, fd);
}

void domain(struct fx *f, uint32_t seq, const char *name, uint8_t colour,
		   enum tsr_kiosk_domain_state st)
{
	domain_accel(f, seq, name, colour, st, TSR_KIOSK_ACCEL_NONE);
}

void domain_accel(struct fx *f, uint32_t seq, const char *name, uint8_t colour,
		  enum tsr_kiosk_domain_state st, enum tsr_kiosk_accel accel)
{
	struct tsr_kiosk_domain m = { .seq = seq, .state = st, .colour = colour,
				      .accel = accel };

	tsr_kiosk_set_string(m.name, sizeof(m.name), name);
	tsr_kiosk_set_string(m.label, sizeof(m.label), name);
	bsend(f, &m, TSR_KIOSK_DOMAIN);
}

bool key(struct fx *f, uint16_t code, const char *utf8, enum tsr_kiosk_origin o)
{
	struct tsr_input_kiosk_key k = { .code = code, .state = TSR_INPUT_KEY_DOWN };

	g_strlcpy(k.utf8, utf8 ? utf8 : "", sizeof(k.utf8));
	return tsr_session_key(f->s, &k, o);
}

void type(struct fx *f, const char *text)
{
	for (const char *p = text; *p; p++) {
		char c[2] = { *p, 0 };
		g_assert_true(key(f, KEY_A, c, TSR_KIOSK_ORIGIN_LOCAL));
	}
}

bool sas(struct fx *f, enum tsr_kiosk_origin o)
{
	return tsr_session_action(f->s, TSR_INPUT_ACTION_SAS, 0, o);
}

enum tsr_kiosk_screen screen(struct fx *f)
{
	return tsr_session_screen(f->s);
}

/* From a fresh session to the picker with three domains listed. */
void log_in(struct fx *f)
{
	struct tsr_kiosk_login m;
	uint32_t seq;

	settings(f, true, 0, TSR_POLICY_CONSOLE_FULL);
	session_msg(f, TSR_KIOSK_SESSION_LOGIN, NULL);
	g_assert_true(sas(f, TSR_KIOSK_ORIGIN_LOCAL));
	type(f, "alice");
	g_assert_true(key(f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	type(f, "pw");
	g_assert_true(key(f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	seq = brecv(f, TSR_KIOSK_LOGIN, &m);
	session_msg(f, TSR_KIOSK_SESSION_ACTIVE, "alice");
	reply(f, seq, TSR_KIOSK_OK, 0, "Welcome.", -1);
	seq = brecv(f, TSR_KIOSK_LIST, NULL);
	g_assert_true(tsr_session_listing(f->s));
	domain(f, seq, "work", TSR_POLICY_COLOUR_RED, TSR_KIOSK_DOMAIN_STOPPED);
	domain_accel(f, seq, "personal", TSR_POLICY_COLOUR_GREEN, TSR_KIOSK_DOMAIN_RUNNING,
		     TSR_KIOSK_ACCEL_TCG);
	domain(f, seq, "banking", TSR_POLICY_COLOUR_BLUE, TSR_KIOSK_DOMAIN_STOPPED);
	reply(f, seq, TSR_KIOSK_OK, 0, "", -1);
	g_assert_false(tsr_session_listing(f->s));
	g_assert_cmpint(screen(f), ==, TSR_KIOSK_SCREEN_PICKER);
	g_assert_cmpuint(tsr_session_n_domains(f->s), ==, 3);
}

/* Pick domain index i and give it a viewer (a socket end), no frame yet. */
void pick_viewer(struct fx *f, size_t i)
{
	struct tsr_kiosk_domain_request r;
	int sv[2];
	const char *name = tsr_session_domain(f->s, i)->name;
	uint32_t seq;

	g_assert_true(tsr_session_activate(f->s, i, TSR_KIOSK_ORIGIN_LOCAL));
	seq = brecv(f, TSR_KIOSK_PICK, &r);
	g_assert_cmpstr(r.domain, ==, name);
	g_assert_true(tsr_session_domain(f->s, i)->pick_pending);
	g_assert_cmpint(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), ==, 0);
	reply(f, seq, TSR_KIOSK_OK, 0, "", sv[0]);
	close(sv[0]);
	close(sv[1]);
	g_assert_cmpstr(f->viewer_domain, ==, name);
	g_assert_true(tsr_session_domain(f->s, i)->waiting_frame);
	g_assert_cmpint(screen(f), ==, TSR_KIOSK_SCREEN_PICKER);
}

/* Pick domain index i and give it a viewer (a socket end) and its first frame. */
void pick(struct fx *f, size_t i)
{
	struct tsr_kiosk_domain_request r;
	const char *name = tsr_session_domain(f->s, i)->name;

	pick_viewer(f, i);
	tsr_session_surface(f->s, name, 1024, 768);
	tsr_session_first_frame(f->s, name);
	g_assert_cmpint(screen(f), ==, TSR_KIOSK_SCREEN_DESKTOP);
	g_assert_cmpstr(tsr_session_focus(f->s), ==, name);
	brecv(f, TSR_KIOSK_FOCUS, &r);
	g_assert_cmpstr(r.domain, ==, name);
}

