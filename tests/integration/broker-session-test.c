/* A real tessera-brokerd with the sim backend and the test kiosk:
 *   - login: right, wrong, unknown (same answer; the unknown name never reaches the audit
 *     log), back-off, no password bytes in the audit log or the broker's files;
 *   - a kiosk that dies, or breaks the protocol, is restarted and comes up locked;
 *   - the control socket: every command from root; every command refused for another uid and
 *     for the kiosk's uid (forked helpers with setresuid), with the socket mode opened up so
 *     the SO_PEERCRED check is what refuses; malformed, oversized, truncated messages refused
 *     while the broker keeps serving;
 *   - kill -9 the broker with two domains running, kill one domain while it is down, start it
 *     again: the live one is adopted, the dead one reported crashed, the live one can still be
 *     stopped, and the session comes back locked. */
#include "config.h"
#include "tests/integration/broker-harness.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_login(void)
{
	struct bh *h = bh_new(NULL);
	const char *line;
	unsigned seq;

	bh_start(h, true);
	/* A fresh kiosk is told the settings and shows the login screen. */
	line = bh_expect(h, "settings ");
	g_assert_nonnull(strstr(line, "sas=Ctrl+Alt+Backspace"));
	/* Typed by the broker's policy parser: Ctrl+Alt (1|2) + KEY_BACKSPACE (14), and the
	 * policy's lock = Super+Escape as Super (8) + KEY_ESC (1). */
	g_assert_nonnull(strstr(line, "sas-keys=3:14 "));
	g_assert_nonnull(strstr(line, "lock-keys=8:1 "));
	/* two-head: [outputs] order reaches the kiosk, left to right, nothing after it. */
	const char *outputs = strstr(line, " outputs=HDMI-A-1,eDP-1,");

	g_assert_nonnull(outputs);
	g_assert_true(strchr("\n", outputs[strlen(" outputs=HDMI-A-1,eDP-1,")]));
	bh_expect(h, "session state=0 ");

	/* Nothing works before login. */
	seq = bh_kiosk(h, "list");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 4);

	/* Wrong password and unknown user: the same answer. */
	seq = bh_kiosk(h, "login alice Wrong-Guess-77");
	g_autofree char *wrong = g_strdup(strstr(bh_reply(h, seq), "status="));
	seq = bh_kiosk(h, "login Secret/Typed:As-Name wrong");
	g_autofree char *unknown = g_strdup(strstr(bh_reply(h, seq), "status="));
	g_assert_cmpuint(bh_status(wrong - 0), ==, 1);
	/* retry= is each name's own back-off (1 ms after one failure for both). */
	g_assert_cmpstr(wrong, ==, unknown);

	/* Right password (alice's back-off of 1 ms may still run: retry until it has). */
	for (int i = 0;; i++) {
		seq = bh_kiosk(h, "login alice alice-pw");
		line = bh_reply(h, seq);
		if (bh_status(line) != 2 || i == 1000)
			break;
	}
	g_assert_cmpuint(bh_status(line), ==, 0);
	line = bh_expect(h, "session state=2 ");
	g_assert_nonnull(strstr(line, "user=alice"));

	/* A second login while someone is logged in: refused. */
	seq = bh_kiosk(h, "login bob bob-pw");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 4);

	/* The list holds alice's domains only, in policy order. */
	bh_kiosk_clear(h);
	seq = bh_kiosk(h, "list");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	g_assert_true(bh_seen(h, "domain seq="));
	{
		g_autofree char *p1 = g_strdup_printf("domain seq=%u name=web state=0 disposable=1", seq);
		g_autofree char *p2 = g_strdup_printf("domain seq=%u name=work state=0 disposable=0", seq);
		g_assert_true(bh_seen(h, p1));
		g_assert_true(bh_seen(h, p2));
	}
	/* Lock, unlock with a wrong then the right password. */
	seq = bh_kiosk(h, "lock");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	seq = bh_kiosk(h, "pick web");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 4);
	seq = bh_kiosk(h, "unlock nope");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 1);
	for (int i = 0;; i++) {
		seq = bh_kiosk(h, "unlock alice-pw");
		line = bh_reply(h, seq);
		if (bh_status(line) != 2 || i == 1000)
			break;
	}
	g_assert_cmpuint(bh_status(line), ==, 0);
	/* carol is in no group: she may use nothing; logout first. */
	seq = bh_kiosk(h, "logout");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	seq = bh_kiosk(h, "login carol carol-pw");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	seq = bh_kiosk(h, "pick web");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 5);
	seq = bh_kiosk(h, "pick nosuch");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 6);

	/* The audit log has the logins but never a password, nor the unknown name. */
	g_autofree char *ev = bh_wait_audit(h, "\"event\":\"login\"", "\"user\":\"(unknown)\"");
	g_autofree char *audit = bh_audit_text(h);
	g_assert_nonnull(strstr(audit, "\"event\":\"login\",\"user\":\"alice\",\"result\":\"ok\""));
	g_assert_null(strstr(audit, "Wrong-Guess"));
	g_assert_null(strstr(audit, "alice-pw"));
	g_assert_null(strstr(audit, "Secret/Typed"));
	bh_free(h);
}

static void test_lockout(void)
{
	struct bh *h = bh_new(NULL);
	const char *line = NULL;
	unsigned seq, denied = 0;

	bh_start(h, true);
	bh_expect(h, "session state=0 ");
	/* attempts = 3: three failures (waiting out each back-off), then locked. */
	while (denied < 3) {
		seq = bh_kiosk(h, "login bob wrong");
		unsigned st = bh_status(bh_reply(h, seq));
		g_assert_true(st == 1 || st == 2);
		denied += st == 1;
	}
	seq = bh_kiosk(h, "login bob bob-pw");
	line = bh_reply(h, seq);
	g_assert_cmpuint(bh_status(line), ==, 3);
	g_assert_nonnull(strstr(line, "locked"));
	/* Others are not affected. */
	seq = bh_kiosk(h, "login alice alice-pw");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	g_autofree char *ev = bh_wait_audit(h, "\"user\":\"bob\"", "\"result\":\"locked\"");
	bh_free(h);
}

/* Start the broker with the test kiosk, which shows the login screen, and log alice in. */
static void start_as_alice(struct bh *h)
{
	bh_start(h, true);
	bh_expect(h, "session state=0 ");
	unsigned seq = bh_kiosk(h, "login alice alice-pw");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
}

static void test_kiosk_restart_locked(void)
{
	struct bh *h = bh_new(NULL);
	unsigned seq;
	const char *line;

	start_as_alice(h);
	bh_expect(h, "session state=2 ");

	/* The kiosk dies: the broker starts a new one, which comes up locked. */
	bh_kiosk(h, "exit");
	g_assert_true(bh_kiosk_gone(h));
	bh_accept_kiosk(h);
	/* Policy turns the console on (view): the broker starts tessera-console for the new kiosk
	 * and hands over its link before the settings; the console's socket is root's, 0600. */
	line = bh_expect(h, "console ");
	g_assert_cmpstr(line, ==, "console fd=sock:seqpacket");
	bh_expect(h, "settings ");
	{
		g_autofree char *sock = g_build_filename(h->run, "console.sock", NULL);
		struct stat st = { 0 };
		for (int i = 0; i < 500 && lstat(sock, &st) < 0; i++)
			g_usleep(10000);
		g_assert_true(S_ISSOCK(st.st_mode));
		g_assert_cmpuint(st.st_uid, ==, 0);
		g_assert_cmpuint(st.st_mode & 07777, ==, 0600);
	}
	line = bh_expect(h, "session ");
	g_assert_true(g_str_has_prefix(line, "session state=1 user=alice"));
	seq = bh_kiosk(h, "list");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 4);

	/* A kiosk that breaks the protocol is ended and replaced, again locked. */
	bh_kiosk(h, "bad-frame");
	g_assert_true(bh_kiosk_gone(h));
	bh_accept_kiosk(h);
	line = bh_expect(h, "session ");
	g_assert_true(g_str_has_prefix(line, "session state=1 user=alice"));
	g_autofree char *ev = bh_wait_audit(h, "\"event\":\"kiosk-refused\"", "bad message");

	/* So is one that names a domain outside the name rule. */
	bh_kiosk(h, "bad-name");
	g_assert_true(bh_kiosk_gone(h));
	bh_accept_kiosk(h);
	bh_expect(h, "session state=1 ");
	g_autofree char *ev2 = bh_wait_audit(h, "\"event\":\"kiosk-refused\"", "bad domain name");
	seq = bh_kiosk(h, "unlock alice-pw");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	bh_expect(h, "session state=2 ");

	/* The kiosk runs as the kiosk user. */
	struct tsr_ctl_response r = { 0 };
	g_assert_true(bh_ctl(h, "status", NULL, &r));
	JsonObject *k = json_object_get_object_member(r.result, "kiosk");
	g_assert_cmpint(json_object_get_int_member(k, "starts"), ==, 4);
	g_autofree char *st = g_strdup_printf("/proc/%" G_GINT64_FORMAT "/status",
					      json_object_get_int_member(k, "pid"));
	g_autofree char *text = NULL;
	g_assert_true(g_file_get_contents(st, &text, NULL, NULL));
	g_autofree char *uidline = g_strdup_printf("Uid:\t%d\t%d\t%d", BH_KIOSK_UID, BH_KIOSK_UID,
						   BH_KIOSK_UID);
	g_assert_nonnull(strstr(text, uidline));
	tsr_ctl_response_clear(&r);
	bh_free(h);
}

/* ---- control socket ------------------------------------------------------------------ */

static JsonObject *name_arg(const char *name)
{
	JsonObject *o = json_object_new();
	json_object_set_string_member(o, "name", name);
	return o;
}

static void test_control_root(void)
{
	struct bh *h = bh_new(NULL);
	struct tsr_ctl_response r = { 0 };

	bh_start(h, false);
	g_assert_true(bh_ctl(h, "status", NULL, &r));
	g_assert_cmpstr(json_object_get_string_member(json_object_get_object_member(r.result,
										      "policy"),
						      "organization"),
			==, "test-org");
	tsr_ctl_response_clear(&r);
	g_assert_true(bh_ctl(h, "domains", NULL, &r));
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(r.result, "domains")),
			 ==, 2);
	tsr_ctl_response_clear(&r);
	g_assert_true(bh_ctl(h, "start", name_arg("work"), &r));
	g_assert_cmpstr(json_object_get_string_member(r.result, "state"), ==, "running");
	tsr_ctl_response_clear(&r);
	g_autofree char *pid = bh_domain_field(h, "work", "pid");
	g_assert_nonnull(pid);
	g_assert_true(bh_ctl(h, "stop", name_arg("work"), &r));
	g_assert_cmpstr(json_object_get_string_member(r.result, "state"), ==, "stopped");
	tsr_ctl_response_clear(&r);
	g_assert_true(bh_ctl(h, "devices", NULL, &r));
	g_assert_true(json_object_get_boolean_member(r.result, "usb"));
	tsr_ctl_response_clear(&r);
	g_assert_true(bh_ctl(h, "reload", NULL, &r));
	tsr_ctl_response_clear(&r);
	/* tessera-provision install says reload-policy. */
	g_assert_true(bh_ctl(h, "reload-policy", NULL, &r));
	tsr_ctl_response_clear(&r);
	JsonObject *since = json_object_new();
	json_object_set_int_member(since, "since", 0);
	g_assert_true(bh_ctl(h, "audit", since, &r));
	JsonArray *ev = json_object_get_array_member(r.result, "events");
	g_assert_cmpuint(json_array_get_length(ev), >, 5);
	tsr_ctl_response_clear(&r);

	/* Refusals with reasons. */
	g_assert_false(bh_ctl(h, "start", name_arg("nosuch"), &r));
	g_assert_cmpint(r.code, ==, TSR_CTL_ERROR_NOT_FOUND);
	tsr_ctl_response_clear(&r);
	g_assert_false(bh_ctl(h, "start", NULL, &r));
	g_assert_cmpint(r.code, ==, TSR_CTL_ERROR_BAD_ARGUMENT);
	tsr_ctl_response_clear(&r);
	JsonObject *extra = name_arg("work");
	json_object_set_int_member(extra, "force", 1);
	g_assert_false(bh_ctl(h, "stop", extra, &r));
	g_assert_cmpint(r.code, ==, TSR_CTL_ERROR_BAD_ARGUMENT);
	tsr_ctl_response_clear(&r);
	g_assert_false(bh_ctl(h, "format-disk", NULL, &r));
	g_assert_cmpint(r.code, ==, TSR_CTL_ERROR_UNKNOWN_COMMAND);
	tsr_ctl_response_clear(&r);
	/* A policy that breaks is refused and the old one stays. */
	g_autofree char *pc = g_build_filename(h->policy, "policy.conf", NULL);
	g_assert_true(g_file_set_contents(pc, "[policy]\nnonsense\n", -1, NULL));
	g_assert_false(bh_ctl(h, "reload", NULL, &r));
	g_assert_nonnull(strstr(r.message, "current one stays"));
	tsr_ctl_response_clear(&r);
	g_assert_true(bh_ctl(h, "status", NULL, &r));
	g_assert_true(json_object_get_boolean_member(json_object_get_object_member(r.result,
										     "policy"),
						     "loaded"));
	tsr_ctl_response_clear(&r);
	bh_free(h);
}

/* In a child with uid: try every command. Exit 0 if each was refused with
 * permission-denied (or the connect refused with EACCES when only_peercred is false). */
static int try_all_as(const char *path, uid_t uid, bool expect_eacces)
{
	static const char *const cmds[] = { "status", "domains", "start", "stop", "devices",
					    "attach", "detach", "audit", "reload" };
	if (setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0)
		return 90;
	for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++) {
		g_autoptr(GError) error = NULL;
		struct tsr_ctl_response r = { 0 };
		JsonObject *args = json_object_new();
		int fd = tsr_ctl_connect(path, &error);

		if (strcmp(cmds[i], "start") == 0 || strcmp(cmds[i], "stop") == 0)
			json_object_set_string_member(args, "name", "work");
		if (fd < 0) {
			json_object_unref(args);
			if (expect_eacces &&
			    g_error_matches(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
				continue;
			return 10 + (int)i;
		}
		if (expect_eacces)
			return 30 + (int)i;
		if (!tsr_ctl_call(fd, cmds[i], args, 10000, &r, &error))
			return 50 + (int)i;
		close(fd);
		if (r.ok || r.code != TSR_CTL_ERROR_PERMISSION_DENIED)
			return 70 + (int)i;
		tsr_ctl_response_clear(&r);
	}
	return 0;
}

static int run_as(const char *path, uid_t uid, bool expect_eacces)
{
	int status;
	pid_t pid = fork();

	g_assert_cmpint(pid, >=, 0);
	if (pid == 0)
		_exit(try_all_as(path, uid, expect_eacces));
	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	g_assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_control_refused(void)
{
	struct bh *h = bh_new(NULL);
	struct tsr_ctl_response r = { 0 };

	if (geteuid() != 0) {
		g_test_skip("needs root to switch uids");
		bh_free(h);
		return;
	}
	bh_start(h, true);
	bh_expect(h, "session state=0 ");
	/* The socket is root's, 0600: another uid and the kiosk's uid cannot even connect. */
	g_assert_cmpint(run_as(h->control, 4242, true), ==, 0);
	g_assert_cmpint(run_as(h->control, BH_KIOSK_UID, true), ==, 0);
	/* With the mode opened up, SO_PEERCRED refuses every command, before reading it. */
	g_assert_cmpint(chmod(h->control, 0666), ==, 0);
	g_assert_cmpint(run_as(h->control, 4242, false), ==, 0);
	g_assert_cmpint(run_as(h->control, BH_KIOSK_UID, false), ==, 0);
	g_autofree char *ev = bh_wait_audit(h, "\"event\":\"control-refused\"", "\"uid\":\"65534\"");
	/* Nothing happened: work was never started. */
	bh_assert_domain_field(h, "work", "state", "stopped");
	g_assert_true(bh_ctl(h, "status", NULL, &r));
	tsr_ctl_response_clear(&r);
	bh_free(h);
}

static char *raw(struct bh *h, const void *data, size_t len, bool shut)
{
	g_autoptr(GError) error = NULL;
	int fd = tsr_ctl_connect(h->control, &error);
	struct tsr_ctl_response r = { 0 };
	size_t n = 0;
	char *out;

	g_assert_no_error(error);
	if (send(fd, data, len, MSG_NOSIGNAL) < 0)
		g_test_message("send: %s", g_strerror(errno));
	if (shut)
		shutdown(fd, SHUT_WR);
	void *body = tsr_ctl_read_message(fd, TSR_CTL_MAX_RESPONSE, BH_TIMEOUT_MS, &n, &error);
	close(fd);
	if (!body)
		return g_strdup("no-answer");
	g_assert_true(tsr_ctl_response_parse(body, n, &r, &error));
	g_free(body);
	out = g_strdup(r.ok ? "ok" : tsr_ctl_error_code_name(r.code));
	tsr_ctl_response_clear(&r);
	return out;
}

static void test_control_bad_messages(void)
{
	struct bh *h = bh_new(NULL);
	struct tsr_ctl_response r = { 0 };
	static const uint8_t oversized[] = { 0x00, 0x10, 0x00, 0x01, '{' };
	static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff };
	static const char notjson[] = "\0\0\0\x03{{{";
	static const char truncated[] = "\0\0\0\x40{\"version\":1";
	g_autofree char *deep = NULL;
	char *s;

	bh_start(h, false);
	s = raw(h, oversized, sizeof(oversized), false);
	g_assert_cmpstr(s, ==, "too-large");
	g_free(s);
	s = raw(h, huge, sizeof(huge), false);
	g_assert_cmpstr(s, ==, "too-large");
	g_free(s);
	s = raw(h, notjson, sizeof(notjson) - 1, false);
	g_assert_cmpstr(s, ==, "malformed");
	g_free(s);
	s = raw(h, truncated, sizeof(truncated) - 1, true);
	g_assert_cmpstr(s, ==, "no-answer");
	g_free(s);
	/* 2000 nested arrays: refused by the pre-scan, not by the stack. */
	{
		GString *g = g_string_new(NULL);
		uint32_t n = 2000;
		uint8_t hdr[4] = { 0, 0, (uint8_t)(n >> 8), (uint8_t)n };
		g_string_append_len(g, (const char *)hdr, 4);
		for (uint32_t i = 0; i < n; i++)
			g_string_append_c(g, '[');
		s = raw(h, g->str, g->len, false);
		g_assert_cmpstr(s, ==, "too-large");
		g_free(s);
		g_string_free(g, TRUE);
	}
	g_autofree char *ev = bh_wait_audit(h, "\"event\":\"control-refused\"", "over the limit");
	/* The broker still answers. */
	g_assert_true(bh_ctl(h, "status", NULL, &r));
	tsr_ctl_response_clear(&r);
	bh_free(h);
}

/* Reload while things run: a domain that left the policy is stopped and forgotten, a user
 * who left it is logged out, the rest carries on. */
static void test_reload_changes(void)
{
	/* A reader that follows focus, so device decisions are live across the reload. */
	struct bh *h = bh_new("[rule readers]\nclass = 0x0b\naction = focused\n");
	static const uint8_t reader[] = { 18, 1, 0, 2, 0, 0, 0, 64, 0xe6, 0x04, 0x16, 0x51, 0, 1,
					  1, 2, 3, 1, 9, 2, 18, 0, 1, 1, 0, 0x80, 50,
					  9, 4, 0, 0, 0, 0x0b, 0, 0, 0 };
	struct tsr_ctl_response r = { 0 };
	unsigned seq;

	bh_usb_add(h, "1-1", reader, sizeof(reader), 1, 1, NULL);
	start_as_alice(h);
	seq = bh_kiosk(h, "pick work");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	seq = bh_kiosk(h, "focus work");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	g_autofree char *e0 = bh_wait_audit(h, "\"event\":\"device-attached\"", "\"domain\":\"work\"");
	g_assert_true(bh_ctl(h, "start", name_arg("web"), &r));
	tsr_ctl_response_clear(&r);

	/* web and alice leave the policy. */
	g_autofree char *uc = g_build_filename(h->policy, "users.conf", NULL);
	g_autofree char *users = NULL;
	g_assert_true(g_file_get_contents(uc, &users, NULL, NULL));
	bh_policy_file(h, "users.conf", strstr(users, "[user bob]"));
	bh_policy_file(h, "domains/web.conf", NULL);
	bh_policy_edit(h, "policy.conf", "domains = web;work", "domains = work");

	g_assert_true(bh_ctl(h, "reload", NULL, &r));
	tsr_ctl_response_clear(&r);
	bh_expect(h, "session state=0 ");
	g_autofree char *e1 = bh_wait_audit(h, "\"event\":\"domain-removed\"", "\"web\"");
	g_autofree char *e2 = bh_wait_audit(h, "\"event\":\"logout\"", "no longer in policy");
	g_autofree char *e3 = bh_wait_audit(h, "\"domain\":\"web\"", "\"to\":\"stopped\"");
	/* Alice's logout took the focus away: the reader went back to nobody. */
	g_autofree char *e4 = bh_wait_audit(h, "\"event\":\"device-reset\"", "usb-1-1");
	g_assert_true(bh_ctl(h, "devices", NULL, &r));
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(r.result,
										"assignments")),
			 ==, 0);
	tsr_ctl_response_clear(&r);
	g_assert_true(bh_ctl(h, "domains", NULL, &r));
	JsonArray *a = json_object_get_array_member(r.result, "domains");
	g_assert_cmpuint(json_array_get_length(a), ==, 1);
	g_assert_cmpstr(json_object_get_string_member(json_array_get_object_element(a, 0), "name"),
			==, "work");
	tsr_ctl_response_clear(&r);
	/* alice cannot log in any more; bob can, and work is his to use. */
	seq = bh_kiosk(h, "login alice alice-pw");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 1);
	for (int i = 0;; i++) {
		seq = bh_kiosk(h, "login bob bob-pw");
		const char *line = bh_reply(h, seq);
		if (bh_status(line) != 2 || i == 1000) {
			g_assert_cmpuint(bh_status(line), ==, 0);
			break;
		}
	}
	seq = bh_kiosk(h, "pick web");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 6);
	/* work was alice's (paused at her logout, shut down at bob's login): a pick right now
	 * waits for that stop and starts it afresh for bob. */
	seq = bh_kiosk(h, "pick work");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	bh_assert_domain_field(h, "work", "state", "running");
	bh_assert_domain_field(h, "work", "owner", "bob");
	g_autofree char *vp = bh_domain_field(h, "work", "viewer_pid");
	g_assert_nonnull(vp);
	bh_free(h);
}

/* ---- restart ------------------------------------------------------------------------- */

/* Running, not gone and not a zombie waiting for init to reap it. */
static bool alive(int pid)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/stat", pid);
	g_autofree char *text = NULL;
	const char *paren;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return false;
	paren = strrchr(text, ')');
	return paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
}

static void test_restart_adopts(void)
{
	struct bh *h = bh_new(NULL);
	struct tsr_ctl_response r = { 0 };
	unsigned seq;

	start_as_alice(h);
	g_assert_true(bh_ctl(h, "start", name_arg("web"), &r));
	tsr_ctl_response_clear(&r);
	g_assert_true(bh_ctl(h, "start", name_arg("work"), &r));
	tsr_ctl_response_clear(&r);
	g_autofree char *web_pid = bh_domain_field(h, "web", "pid");
	g_autofree char *work_pid = bh_domain_field(h, "work", "pid");
	g_assert_nonnull(web_pid);
	g_assert_nonnull(work_pid);

	/* kill -9 the broker; while it is away, web's device model dies too. */
	bh_kill(h);
	g_assert_cmpint(kill(atoi(web_pid), 0), ==, 0);
	g_assert_cmpint(kill(atoi(web_pid), SIGKILL), ==, 0);
	g_assert_cmpint(kill(atoi(work_pid), 0), ==, 0);

	bh_start(h, true);
	/* The session survived, locked. */
	bh_expect(h, "session state=1 user=alice");
	g_autofree char *ev = bh_wait_audit(h, "\"domain\":\"web\"", "\"to\":\"crashed\"");
	g_autofree char *ev2 = bh_wait_audit(h, "\"domain\":\"work\"", "\"to\":\"running\"");
	bh_assert_domain_field(h, "web", "state", "crashed");
	bh_assert_domain_field(h, "work", "state", "running");
	bh_assert_domain_field(h, "work", "pid", work_pid);
	/* The adopted one can still be stopped. */
	g_assert_true(bh_ctl(h, "stop", name_arg("work"), &r));
	g_assert_cmpstr(json_object_get_string_member(r.result, "state"), ==, "stopped");
	tsr_ctl_response_clear(&r);
	g_assert_false(alive(atoi(work_pid)));
	/* After unlock the kiosk learns web crashed. */
	seq = bh_kiosk(h, "unlock alice-pw");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	seq = bh_kiosk(h, "list");
	bh_reply(h, seq);
	{
		g_autofree char *p = g_strdup_printf("domain seq=%u name=web state=4", seq);
		g_assert_true(bh_seen(h, p));
	}
	bh_free(h);
}

static void assert_uid(const char *pid, unsigned uid)
{
	g_autofree char *path = g_strdup_printf("/proc/%s/status", pid);
	g_autofree char *text = NULL;
	g_autofree char *want = g_strdup_printf("Uid:\t%u\t%u\t%u", uid, uid, uid);

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	if (!strstr(text, want))
		g_error("process %s does not run as uid %u:\n%s", pid, uid, text);
}

static void test_pick_viewer_logout(void)
{
	struct bh *h = bh_new(NULL);
	unsigned seq;
	const char *line;

	start_as_alice(h);

	/* Pick starts the domain and hands over a viewer link. */
	seq = bh_kiosk(h, "pick web");
	line = bh_reply(h, seq);
	g_assert_cmpuint(bh_status(line), ==, 0);
	g_assert_nonnull(strstr(line, "fd=sock:seqpacket"));
	bh_expect(h, "domain seq=0 name=web state=2");
	seq = bh_kiosk(h, "pick work");
	line = bh_reply(h, seq);
	g_assert_cmpuint(bh_status(line), ==, 0);
	g_assert_nonnull(strstr(line, "fd=sock:seqpacket"));

	/* Each viewer runs as its domain's viewer uid (checked once it has spoken, so it has
	 * exec'd and sandboxed itself); each device model as its own. */
	{
		g_autofree char *w1 = g_strdup_printf("viewer-ready seq=%u", seq - 1);
		g_autofree char *w2 = g_strdup_printf("viewer-ready seq=%u", seq);
		bh_expect(h, w1);
		bh_expect(h, w2);
	}
	g_autofree char *vpid = bh_domain_field(h, "web", "viewer_pid");
	g_autofree char *vpid2 = bh_domain_field(h, "work", "viewer_pid");
	g_autofree char *dpid = bh_domain_field(h, "web", "pid");
	g_autofree char *owner = bh_domain_field(h, "web", "owner");
	g_assert_nonnull(vpid);
	g_assert_nonnull(vpid2);
	assert_uid(vpid, BH_VIEWER_UID);
	assert_uid(vpid2, BH_VIEWER_UID + 1);
	assert_uid(dpid, BH_DM_UID);
	g_assert_cmpstr(owner, ==, "alice");

	/* Focus: only a running domain the user may use. */
	seq = bh_kiosk(h, "focus work");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	seq = bh_kiosk(h, "restart-viewer work");
	line = bh_reply(h, seq);
	g_assert_cmpuint(bh_status(line), ==, 0);
	g_assert_nonnull(strstr(line, "fd=sock:seqpacket"));
	g_autofree char *vpid3 = bh_domain_field(h, "work", "viewer_pid");
	g_assert_cmpstr(vpid3, !=, vpid2);

	/* Logout: the disposable domain stops, the persistent one is paused; viewers end. */
	seq = bh_kiosk(h, "logout");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	bh_expect(h, "session state=0 ");
	g_autofree char *e1 = bh_wait_audit(h, "\"domain\":\"web\"", "\"to\":\"stopped\"");
	g_autofree char *e2 = bh_wait_audit(h, "\"domain\":\"work\"", "\"to\":\"paused\"");
	bh_assert_domain_field(h, "web", "viewer_pid", NULL);

	/* Another user logs in: alice's paused domain is shut down before bob sees anything. */
	seq = bh_kiosk(h, "login bob bob-pw");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	g_autofree char *e3 = bh_wait_audit(h, "\"domain\":\"work\"", "\"to\":\"stopped\"");
	g_autofree char *e4 = bh_wait_audit(h, "\"event\":\"domain-stop\"", "another user");
	bh_free(h);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/broker/session/login-right-wrong-unknown", test_login);
	g_test_add_func("/broker/session/lockout", test_lockout);
	g_test_add_func("/broker/session/kiosk-restart-comes-up-locked", test_kiosk_restart_locked);
	g_test_add_func("/broker/session/pick-viewer-uid-logout", test_pick_viewer_logout);
	g_test_add_func("/broker/control/every-command-as-root", test_control_root);
	g_test_add_func("/broker/control/other-uid-and-kiosk-uid-refused", test_control_refused);
	g_test_add_func("/broker/control/bad-messages-refused", test_control_bad_messages);
	g_test_add_func("/broker/restart/adopt-live-report-crashed", test_restart_adopts);
	g_test_add_func("/broker/reload/domain-and-user-leave-policy", test_reload_changes);
	bh_clipboard_tests_add();
	return g_test_run();
}
