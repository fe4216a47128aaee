/* tests/integration/broker-preload-test.c: preloaded domains (broker/preload.c) in a real
 * tessera-brokerd with the sim backend and the test kiosk.
 *
 * A domain with `preload = true` boots when the broker starts, before anyone logs in, runs to
 * its first frame and is paused; picking it resumes that same device model (no second start).
 * A disposable one is preloaded again at the next login after it was used and stopped; one
 * another user picked is stopped at the next user's login and preloaded afresh (a new device
 * model), never handed over; a user the policy does not let use it cannot pick it; a reload
 * that turns preload on boots the domain, one that turns it off stops what was preloaded for
 * nobody; one that crashes while it is stopped for the next user is preloaded for that user all
 * the same. A domain with `agent = true` is paused when its agent connects, after its first
 * frame. */
#include "config.h"
#include "tests/harness/cases.h"
#include "tests/integration/broker-harness.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static void set_preload(struct bh *h, const char *domain, bool on)
{
	g_autofree char *file = g_strdup_printf("domains/%s.conf", domain);
	const char *disk = strcmp(domain, "web") == 0 ? "disk = disposable\n" : "disk = persistent\n";
	g_autofree char *with = g_strdup_printf("%spreload = true\n", disk);

	if (on)
		bh_policy_edit(h, file, disk, with);
	else
		bh_policy_edit(h, file, with, disk);
}

/* The audit events of one preload, in order, ending paused; the device model's pid. */
static char *wait_preloaded(struct bh *h, const char *domain, const char *by)
{
	g_autofree char *dq = g_strdup_printf("\"domain\":\"%s\"", domain);
	g_autofree char *byq = g_strdup_printf("\"by\":\"%s\"", by);
	g_autofree char *e1 = bh_wait_audit(h, "\"event\":\"domain-preload\"", dq);
	g_assert_nonnull(strstr(e1, byq));
	g_autofree char *e2 = bh_wait_audit(h, "\"event\":\"domain-preloaded\"", dq);
	g_assert_nonnull(strstr(e2, "\"reason\":\"first frame\""));
	g_autofree char *e3 = bh_wait_audit(h, dq, "\"to\":\"paused\"");
	g_autofree char *state = bh_domain_field(h, domain, "state");
	g_assert_cmpstr(state, ==, "paused");
	/* The broker's own viewer ended with the pause; nobody owns the domain. */
	g_autofree char *viewer = bh_domain_field(h, domain, "viewer_pid");
	g_autofree char *owner = bh_domain_field(h, domain, "owner");
	g_assert_null(viewer);
	g_assert_null(owner);
	return bh_domain_field(h, domain, "pid");
}

/* Until the domains listing gives domain the state (bounded): two domains' events interleave
 * in any order, which the audit waits (one after the other) cannot follow. */
static void wait_state(struct bh *h, const char *domain, const char *state)
{
	for (int waited = 0;; waited += 50) {
		g_autofree char *s = bh_domain_field(h, domain, "state");
		if (g_strcmp0(s, state) == 0)
			return;
		if (waited > BH_TIMEOUT_MS)
			g_error("%s: %s, not %s", domain, s, state);
		g_usleep(50000);
	}
}

static unsigned count(const char *text, const char *a, const char *b)
{
	unsigned n = 0;
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (size_t i = 0; lines[i]; i++)
		n += strstr(lines[i], a) && strstr(lines[i], b);
	return n;
}

/* Until the audit log has n lines with a and b (bounded): bh_wait_audit finds the first one,
 * which an earlier preload of the same domain already wrote. */
static void wait_count(struct bh *h, const char *a, const char *b, unsigned n)
{
	for (int waited = 0;; waited += 50) {
		g_autofree char *audit = bh_audit_text(h);
		if (count(audit, a, b) >= n)
			return;
		if (waited > BH_TIMEOUT_MS)
			g_error("fewer than %u audit events with %s %s", n, a, b);
		g_usleep(50000);
	}
}

static void pick_ok(struct bh *h, const char *domain)
{
	unsigned seq = bh_kiosk(h, "pick %s", domain);
	const char *line = bh_reply(h, seq);
	g_assert_cmpuint(bh_status(line), ==, 0);
	g_assert_nonnull(strstr(line, "fd=sock:seqpacket"));
}

static void login(struct bh *h, const char *user)
{
	g_autofree char *pw = g_strdup_printf("%s-pw", user);
	g_assert_cmpuint(bh_login(h, user, pw), ==, 0);
}

static void test_boot_pause_pick_resumes(void)
{
	struct bh *h = bh_new(NULL);

	set_preload(h, "work", true);
	bh_start(h, true);
	g_autofree char *pid = wait_preloaded(h, "work", "broker start");
	g_autofree char *web = bh_domain_field(h, "web", "state");
	g_assert_cmpstr(web, ==, "stopped");

	login(h, "alice");
	pick_ok(h, "work");
	g_autofree char *e1 = bh_wait_audit(h, "\"event\":\"domain-resume\"", "\"domain\":\"work\"");
	g_autofree char *e2 = bh_wait_audit(h, "\"domain\":\"work\"", "\"to\":\"running\"");
	g_autofree char *pid2 = bh_domain_field(h, "work", "pid");
	g_autofree char *owner = bh_domain_field(h, "work", "owner");
	g_assert_cmpstr(pid2, ==, pid);
	g_assert_cmpstr(owner, ==, "alice");
	g_autofree char *audit = bh_audit_text(h);
	g_assert_cmpuint(count(audit, "\"event\":\"domain-start\"", "\"domain\":\"work\""), ==, 1);
	bh_free(h);
}

static void test_disposable_and_users(void)
{
	struct bh *h = bh_new(NULL);
	unsigned seq;

	set_preload(h, "work", true);
	set_preload(h, "web", true);
	bh_start(h, true);
	g_autofree char *e0a = bh_wait_audit(h, "\"event\":\"domain-preloaded\"", NULL);
	g_autofree char *e0b = bh_wait_audit(h, "\"event\":\"domain-preloaded\"", NULL);
	wait_state(h, "work", "paused");
	wait_state(h, "web", "paused");
	g_autofree char *pid1 = bh_domain_field(h, "work", "pid");

	/* carol may use neither: they stay paused for nobody, and she cannot pick them. */
	login(h, "carol");
	seq = bh_kiosk(h, "pick work");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), !=, 0);
	g_autofree char *owner0 = bh_domain_field(h, "work", "owner");
	g_assert_null(owner0);
	seq = bh_kiosk(h, "logout");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);

	login(h, "alice");
	pick_ok(h, "work");
	pick_ok(h, "web");
	g_autofree char *e1 = bh_wait_audit(h, "\"event\":\"pick\"", "\"domain\":\"web\"");
	seq = bh_kiosk(h, "logout");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	g_autofree char *e2 = bh_wait_audit(h, "\"domain\":\"web\"", "\"to\":\"stopped\"");
	/* alice's work is paused at her logout (persistent): done before bob comes. */
	wait_state(h, "work", "paused");

	/* bob: alice's work is stopped, then both are preloaded for him afresh. */
	login(h, "bob");
	g_autofree char *e3 = bh_wait_audit(h, "\"event\":\"domain-stop\"", "another user");
	/* Two at the broker's start, two now, each at its first frame. */
	wait_count(h, "\"event\":\"domain-preloaded\"", "\"reason\":\"first frame\"", 4);
	wait_state(h, "work", "paused");
	wait_state(h, "web", "paused");
	g_autofree char *pid2 = bh_domain_field(h, "work", "pid");
	g_assert_cmpstr(pid2, !=, pid1);
	g_autofree char *audit = bh_audit_text(h);
	g_assert_cmpuint(count(audit, "\"event\":\"domain-preload\"", "\"by\":\"login\""), ==, 2);
	pick_ok(h, "work");
	g_autofree char *owner = bh_domain_field(h, "work", "owner");
	g_assert_cmpstr(owner, ==, "bob");
	bh_free(h);
}

/* A domain that crashes while it is stopped for the next user is still preloaded for that
 * user: the start queued behind the stop follows it. The crash comes as the stop resumes the
 * paused device model, which had a SIGSEGV pending (as when a guest's device model fails on
 * its way down). The broker sees it as a crash when it notices the end before it asks for the
 * shutdown that follows the resume (most runs; a loaded machine may reverse the two, and the
 * end is then the shutdown's): either way the new user's preload must follow. */
static void test_crash_during_user_switch(void)
{
	struct bh *h = bh_new(NULL);

	set_preload(h, "work", true);
	bh_start(h, true);
	g_autofree char *pid1 = wait_preloaded(h, "work", "broker start");
	login(h, "alice");
	pick_ok(h, "work");
	g_autofree char *e1 = bh_wait_audit(h, "\"event\":\"pick\"", "\"domain\":\"work\"");
	unsigned seq = bh_kiosk(h, "logout");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	wait_count(h, "\"domain\":\"work\"", "\"to\":\"paused\"", 2);
	g_autofree char *pid = bh_domain_field(h, "work", "pid");
	g_assert_cmpstr(pid, ==, pid1);
	g_assert_cmpint(kill((pid_t)atoi(pid1), SIGSEGV), ==, 0);

	login(h, "bob");
	g_autofree char *e2 = bh_wait_audit(h, "\"event\":\"domain-stop\"", "another user");
	wait_count(h, "\"event\":\"domain-preloaded\"", "\"domain\":\"work\"", 2);
	g_autofree char *ended = bh_audit_text(h);
	g_test_message("the old device model's end was seen as %s",
		       count(ended, "\"domain\":\"work\"", "\"to\":\"crashed\"") ? "a crash"
										: "the shutdown");
	wait_state(h, "work", "paused");
	g_autofree char *pid2 = bh_domain_field(h, "work", "pid");
	g_autofree char *owner = bh_domain_field(h, "work", "owner");
	g_assert_cmpstr(pid2, !=, pid1);
	g_assert_null(owner);
	g_autofree char *audit = bh_audit_text(h);
	g_assert_cmpuint(count(audit, "\"event\":\"domain-start-failed\"", "work"), ==, 0);
	bh_free(h);
}

/* A domain whose guest runs an agent is paused when the agent connects, not at its first
 * frame: the sim plays a guest whose agent connects a second after its first picture. */
static void test_agent(void)
{
	struct bh *h = bh_new(NULL);

	set_preload(h, "work", true);
	bh_policy_edit(h, "domains/work.conf", "preload = true\n", "preload = true\nagent = true\n");
	bh_start(h, true);
	g_autofree char *e = bh_wait_audit(h, "\"event\":\"domain-preloaded\"", "\"domain\":\"work\"");
	g_assert_nonnull(strstr(e, "\"reason\":\"agent connected\""));
	const char *ms = strstr(e, "\"ms\":\"");
	g_assert_nonnull(ms);
	g_assert_cmpint(atoi(ms + 6), >=, 1000);
	wait_state(h, "work", "paused");
	bh_free(h);
}

static void test_reload(void)
{
	struct bh *h = bh_new(NULL);
	struct tsr_ctl_response r = { 0 };

	bh_start(h, true);
	login(h, "alice");
	g_autofree char *s0 = bh_domain_field(h, "work", "state");
	g_assert_cmpstr(s0, ==, "stopped");

	set_preload(h, "work", true);
	g_assert_true(bh_ctl(h, "reload", NULL, &r));
	tsr_ctl_response_clear(&r);
	g_autofree char *pid = wait_preloaded(h, "work", "policy reload");

	set_preload(h, "work", false);
	g_assert_true(bh_ctl(h, "reload", NULL, &r));
	tsr_ctl_response_clear(&r);
	g_autofree char *e1 = bh_wait_audit(h, "\"event\":\"domain-stop\"", "no longer preloaded");
	g_autofree char *e2 = bh_wait_audit(h, "\"domain\":\"work\"", "\"to\":\"stopped\"");
	bh_free(h);
}

struct preload_case {
	const char *name;
	void (*fn)(void);
};

static const struct preload_case cases[] = {
	{"boot-pause-pick-resumes", test_boot_pause_pick_resumes},
	{"disposable-another-user-not-allowed", test_disposable_and_users},
	{"reload-on-off", test_reload},
	{"crash-while-stopped-for-the-next-user-preloaded-again", test_crash_during_user_switch},
	{"agent-domain-paused-when-its-agent-connects", test_agent},
};

static void run_case(gconstpointer data)
{
	((const struct preload_case *)data)->fn();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	TSR_TEST_ADD_CASES("/broker/preload", cases, run_case);
	return g_test_run();
}
