/* Part of broker-session-test: the broker's side of the kiosk's trusted clipboard, with a real tessera-brokerd (sim backend)
 * and the test kiosk: the kiosk is told policy's [clipboard] (max-bytes and flows) at start and
 * after a reload; what the kiosk reports goes to the audit log as a "clipboard" event with
 * source, target, size and sha256, also while locked; a report naming an unknown domain, a
 * size over max-bytes or a paste along a flow policy refuses is refused (E_FORBIDDEN, audited
 * as refused, no clipboard event) and the session goes on; a malformed report ends the
 * kiosk, which comes back locked. */
#include "config.h"
#include "tests/integration/broker-harness.h"

#include <string.h>

#define HEX "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static unsigned clip(struct bh *h, const char *report)
{
	return bh_status(bh_reply(h, bh_kiosk(h, "clip %s", report)));
}

static void test_policy_and_reports(void)
{
	struct bh *h = bh_new(NULL);
	struct tsr_ctl_response r = { 0 };
	const char *line;
	unsigned seq;

	bh_policy_edit(h, "policy.conf", "[hotkeys]",
		       "[clipboard]\nmax-bytes = 100\nallow = work -> web; * -> work\n\n[hotkeys]");
	bh_start(h, true);
	line = bh_expect(h, "clipboard ");
	g_assert_cmpstr(line, ==, "clipboard max=100 flows=work>web,*>work");
	bh_expect(h, "session state=0 ");
	g_assert_cmpuint(bh_login(h, "alice", "alice-pw"), ==, 0);

	/* What happened, as the kiosk says: copy, then a paste along an allowed flow. */
	g_assert_cmpuint(clip(h, "1 0 5 work - " HEX), ==, 0);
	g_assert_cmpuint(clip(h, "2 0 5 work web " HEX), ==, 0);
	g_autofree char *paste = bh_wait_audit(h, "\"event\":\"clipboard\"", "\"action\":\"paste\"");
	g_assert_nonnull(strstr(paste, "\"source\":\"work\""));
	g_assert_nonnull(strstr(paste, "\"target\":\"web\""));
	g_assert_nonnull(strstr(paste, "\"size\":\"5\""));
	g_assert_nonnull(strstr(paste, "\"sha256\":\"" HEX "\""));
	g_assert_nonnull(strstr(paste, "\"user\":\"alice\""));
	/* Policy refusing a paste is the kiosk's to report too. */
	g_assert_cmpuint(clip(h, "3 1 5 web work " HEX), ==, 0);

	/* Reports that cannot be true under this policy: refused, and not written as events. */
	g_assert_cmpuint(clip(h, "2 0 5 web nosuch " HEX), ==, 5);  /* web -> work only */
	g_assert_cmpuint(clip(h, "1 0 5 nosuch - " HEX), ==, 5);
	g_assert_cmpuint(clip(h, "1 0 101 work - " HEX), ==, 5);
	g_assert_cmpuint(clip(h, "2 0 5 web work " HEX), ==, 0);    /* * -> work */
	g_assert_cmpuint(clip(h, "2 0 5 work work " HEX), ==, 0);   /* the same domain */
	g_assert_cmpuint(clip(h, "2 0 5 web web " HEX), ==, 0);
	g_assert_cmpuint(clip(h, "2 0 7 web web " HEX), ==, 0);
	g_autofree char *refusal = bh_wait_audit(h, "\"event\":\"refused\"", "larger than max-bytes");
	g_autofree char *audit = bh_audit_text(h);
	g_assert_null(strstr(audit, "\"source\":\"nosuch\""));
	g_assert_null(strstr(audit, "\"size\":\"101\""));
	/* State unchanged: the session goes on as before. */
	seq = bh_kiosk(h, "list");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);

	/* Locking and logging out empty the clipboard; that is reported afterwards. */
	seq = bh_kiosk(h, "lock");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	g_assert_cmpuint(clip(h, "4 2 5 work - " HEX), ==, 0);
	g_autofree char *emptied = bh_wait_audit(h, "\"action\":\"emptied\"", "\"reason\":\"lock\"");

	/* A reload sends the new [clipboard]. */
	bh_policy_edit(h, "policy.conf", "max-bytes = 100\nallow = work -> web; * -> work",
		       "max-bytes = 10");
	g_assert_true(bh_ctl(h, "reload", NULL, &r));
	tsr_ctl_response_clear(&r);
	line = bh_expect(h, "clipboard ");
	g_assert_cmpstr(line, ==, "clipboard max=10 flows=");
	/* A reload locks the session, and what that empties was taken under the old limit. */
	g_assert_cmpuint(clip(h, "4 2 50 work - " HEX), ==, 0);
	g_assert_cmpuint(clip(h, "1 0 50 work - " HEX), ==, 5);
	g_autofree char *renewed = bh_wait_audit(h, "\"reason\":\"lock\"", "\"size\":\"50\"");

	/* A malformed report (not hex) breaks the link: a new, locked kiosk. */
	bh_kiosk_clear(h);
	bh_kiosk(h, "clip 1 0 5 work - " "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef");
	g_assert_true(bh_kiosk_gone(h));
	bh_accept_kiosk(h);
	line = bh_expect(h, "session ");
	g_assert_true(g_str_has_prefix(line, "session state=1 user=alice"));
	g_autofree char *gone = bh_wait_audit(h, "\"event\":\"kiosk-refused\"", "sha256");
	bh_free(h);
}

void bh_clipboard_tests_add(void)
{
	g_test_add_func("/broker/clipboard/policy-sent-reports-checked-and-audited",
			test_policy_and_reports);
}
