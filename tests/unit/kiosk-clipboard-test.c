/* tests/unit/kiosk-clipboard-test.c: dom0's trusted clipboard decides what moves.
 *
 * Every case of the policy (allowed, refused, wildcard), the size limit, a guest with nothing
 * or no text copied, paste with nothing held, copy while locked, the source gone before the
 * paste, the clipboard emptied after a paste, the top-bar text and audit lines that carry
 * size and sha256 but never the text. The policy is a real one, parsed from a bundle's text. */
#include "config.h"
#include "kiosk/clipboard.h"
#include "policy/policy.h"

#include <glib.h>
#include <string.h>

static const char policy_text[] =
	"[policy]\norganization = o\nlaptop-group = g\n"
	"[domain work]\ncolour = blue\nbackend = sim\nmemory-mib = 64\n"
	"[domain web]\ncolour = red\nbackend = sim\nmemory-mib = 64\n"
	"[domain bank]\ncolour = green\nbackend = sim\nmemory-mib = 64\n"
	"[clipboard]\nmax-bytes = 2000\nallow = work -> web; * -> bank\n";

struct world {
	struct tsr_policy *policy;
	struct tsr_kiosk_clipboard *c;
	GPtrArray *requests, *notes, *audit;
	char *pasted_to, *pasted;
	bool viewers_up;
	int changes;
};

static bool op_request(void *d, const char *domain, uint32_t max_bytes)
{
	struct world *w = d;
	g_ptr_array_add(w->requests, g_strdup_printf("%s %u", domain, max_bytes));
	return w->viewers_up;
}

static bool op_paste(void *d, const char *domain, const char *text, size_t len)
{
	struct world *w = d;
	if (!w->viewers_up)
		return false;
	g_free(w->pasted_to);
	g_free(w->pasted);
	w->pasted_to = g_strdup(domain);
	w->pasted = g_strndup(text, len);
	return true;
}

static bool op_allows(void *d, const char *from, const char *to)
{
	return tsr_policy_clipboard_allows(((struct world *)d)->policy, from, to);
}

static void op_notify(void *d, const char *text)
{
	g_ptr_array_add(((struct world *)d)->notes, g_strdup(text));
}

static void op_audit(void *d, const char *line, const struct tsr_kiosk_clipboard_record *r)
{
	(void)r;
	g_ptr_array_add(((struct world *)d)->audit, g_strdup(line));
}

static void op_changed(void *d)
{
	((struct world *)d)->changes++;
}

static const struct tsr_kiosk_clipboard_ops ops = {
	op_request, op_paste, op_allows, op_notify, op_audit, op_changed,
};

static void setup(struct world *w)
{
	GError *error = NULL;
	memset(w, 0, sizeof(*w));
	w->policy = tsr_policy_load_canonical(policy_text, sizeof(policy_text) - 1, &error);
	g_assert_no_error(error);
	w->requests = g_ptr_array_new_with_free_func(g_free);
	w->notes = g_ptr_array_new_with_free_func(g_free);
	w->audit = g_ptr_array_new_with_free_func(g_free);
	w->viewers_up = true;
	w->c = tsr_kiosk_clipboard_create(&ops, w, w->policy->clipboard.max_bytes);
}

static void teardown(struct world *w)
{
	GPtrArray *seen[] = { w->requests, w->notes, w->audit };
	tsr_kiosk_clipboard_destroy(w->c);
	for (size_t i = 0; i < G_N_ELEMENTS(seen); i++)
		g_ptr_array_free(seen[i], TRUE);
	g_free(w->pasted_to);
	g_free(w->pasted);
	tsr_policy_free(w->policy);
}

static const char *last(GPtrArray *a)
{
	return a->len ? a->pdata[a->len - 1] : "";
}

/* The copy hotkey in domain, answered by its viewer with text. */
static void copy(struct world *w, const char *domain, const char *text)
{
	g_assert_true(tsr_kiosk_clipboard_copy(w->c, domain));
	g_autofree char *want = g_strdup_printf("%s 2000", domain);
	g_assert_cmpstr(last(w->requests), ==, want);
	struct tsr_clipboard_answer a = { .text = g_strdup(text), .length = strlen(text) };
	tsr_kiosk_clipboard_answer(w->c, domain, &a);
	g_assert_null(a.text); /* taken */
}

static void test_copy_then_paste_allowed(void)
{
	struct world w;
	setup(&w);
	char *text = g_strnfill(1234, 'x');
	copy(&w, "work", text);
	const char *source = NULL;
	g_assert_cmpstr(tsr_kiosk_clipboard_summary(w.c, &source), ==, "Clipboard: 1.2 kB from work");
	g_assert_cmpstr(source, ==, "work");
	g_assert_cmpint(w.changes, ==, 1);
	g_autofree char *sha = g_compute_checksum_for_string(G_CHECKSUM_SHA256, text, -1);
	g_autofree char *copied = g_strdup_printf("clipboard-copy source=work size=1234 sha256=%s", sha);
	g_assert_cmpstr(last(w.audit), ==, copied);

	g_assert_true(tsr_kiosk_clipboard_paste(w.c, "web"));
	g_assert_cmpstr(w.pasted_to, ==, "web");
	g_assert_cmpstr(w.pasted, ==, text);
	g_autofree char *pasted = g_strdup_printf(
		"clipboard-paste source=work target=web size=1234 sha256=%s", sha);
	g_assert_cmpstr(last(w.audit), ==, pasted);
	/* Emptied after the paste: the top bar says nothing, a second paste finds nothing. */
	g_assert_null(tsr_kiosk_clipboard_summary(w.c, NULL));
	g_assert_cmpint(w.changes, ==, 2);
	g_free(w.pasted_to);
	w.pasted_to = NULL;
	g_assert_false(tsr_kiosk_clipboard_paste(w.c, "web"));
	g_assert_null(w.pasted_to);
	g_assert_nonnull(strstr(last(w.notes), "clipboard is empty"));
	/* No audit line ever holds the text. */
	for (guint i = 0; i < w.audit->len; i++)
		g_assert_null(strstr(w.audit->pdata[i], "xxxx"));
	g_free(text);
	teardown(&w);
}

static void test_policy_refuses_and_wildcard(void)
{
	struct world w;
	setup(&w);
	copy(&w, "web", "from web");
	/* web -> work is not a flow: refused, nothing moves, the text stays for another paste. */
	g_assert_false(tsr_kiosk_clipboard_paste(w.c, "work"));
	g_assert_null(w.pasted_to);
	g_assert_cmpstr(last(w.notes), ==, "Policy does not allow pasting from web into work");
	g_assert_true(g_str_has_prefix(last(w.audit),
				       "clipboard-refused source=web target=work size=8 sha256="));
	g_assert_true(g_str_has_suffix(last(w.audit), " reason=policy"));
	g_assert_nonnull(tsr_kiosk_clipboard_summary(w.c, NULL));
	/* * -> bank: any domain may paste into bank. */
	g_assert_true(tsr_kiosk_clipboard_paste(w.c, "bank"));
	g_assert_cmpstr(w.pasted, ==, "from web");
	/* bank -> work: nothing names it. */
	copy(&w, "bank", "from bank");
	g_assert_false(tsr_kiosk_clipboard_paste(w.c, "work"));
	g_assert_false(tsr_kiosk_clipboard_paste(w.c, "web"));
	g_assert_cmpstr(w.pasted, ==, "from web");
	teardown(&w);
}

static void test_nothing_to_take(void)
{
	static const struct { uint32_t reason; const char *says; } cases[] = {
		{ TSR_CLIPBOARD_EMPTY_NONE, "Nothing copied: work has nothing copied" },
		{ TSR_CLIPBOARD_EMPTY_NOT_TEXT, "Nothing copied: work holds no text" },
		{ TSR_CLIPBOARD_EMPTY_TOO_LARGE,
		  "Nothing copied: work holds more text than policy allows" },
		{ TSR_CLIPBOARD_EMPTY_NO_AGENT, "Nothing copied: work runs no clipboard agent" },
	};
	struct world w;
	setup(&w);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_assert_true(tsr_kiosk_clipboard_copy(w.c, "work"));
		struct tsr_clipboard_answer a = { .reason = cases[i].reason };
		tsr_kiosk_clipboard_answer(w.c, "work", &a);
		g_assert_cmpstr(last(w.notes), ==, cases[i].says);
		g_assert_null(tsr_kiosk_clipboard_summary(w.c, NULL));
	}
	g_assert_cmpuint(w.audit->len, ==, 0);
	/* Paste with nothing copied. */
	g_assert_false(tsr_kiosk_clipboard_paste(w.c, "bank"));
	g_assert_nonnull(strstr(last(w.notes), "clipboard is empty"));
	/* No focus, no viewer: nothing asked, the user told. */
	g_assert_false(tsr_kiosk_clipboard_copy(w.c, NULL));
	w.viewers_up = false;
	g_assert_false(tsr_kiosk_clipboard_copy(w.c, "web"));
	g_assert_nonnull(strstr(last(w.notes), "not connected"));
	teardown(&w);
}

/* Answers the kiosk did not ask for, or from another domain, or after the ask was dropped. */
static void test_unasked_answers_ignored(void)
{
	struct world w;
	setup(&w);
	struct tsr_clipboard_answer a = { .text = g_strdup("pushed"), .length = 6 };
	tsr_kiosk_clipboard_answer(w.c, "web", &a);
	g_assert_null(tsr_kiosk_clipboard_summary(w.c, NULL));
	g_assert_true(tsr_kiosk_clipboard_copy(w.c, "work"));
	tsr_kiosk_clipboard_answer(w.c, "web", &a);
	g_assert_null(tsr_kiosk_clipboard_summary(w.c, NULL));
	a.unasked = true;
	tsr_kiosk_clipboard_answer(w.c, "work", &a);
	g_assert_null(tsr_kiosk_clipboard_summary(w.c, NULL));
	/* The domain went away before it answered: its late answer is not taken. */
	a.unasked = false;
	tsr_kiosk_clipboard_domain_gone(w.c, "work");
	tsr_kiosk_clipboard_answer(w.c, "work", &a);
	g_assert_null(tsr_kiosk_clipboard_summary(w.c, NULL));
	g_assert_nonnull(a.text); /* never taken */
	g_free(a.text);
	teardown(&w);
}

/* A domain that never answers: the user is told after the wait, a late answer is not taken,
 * and an answer in time stops the timer (no "did not answer" after it). */
static void test_unanswered_copy_ends(void)
{
	struct world w;
	setup(&w);
	tsr_kiosk_clipboard_set_answer_ms(w.c, 50);
	g_assert_true(tsr_kiosk_clipboard_copy(w.c, "work"));
	gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
	while (w.notes->len == 0 && g_get_monotonic_time() < deadline)
		g_main_context_iteration(NULL, TRUE);
	g_assert_cmpstr(last(w.notes), ==, "Nothing copied: work did not answer");
	struct tsr_clipboard_answer a = { .text = g_strdup("late"), .length = 4 };
	tsr_kiosk_clipboard_answer(w.c, "work", &a);
	g_assert_null(tsr_kiosk_clipboard_summary(w.c, NULL));
	g_assert_nonnull(a.text);
	g_free(a.text);
	copy(&w, "web", "in time");
	g_usleep(100 * 1000);
	while (g_main_context_iteration(NULL, FALSE))
		;
	g_assert_cmpuint(w.notes->len, ==, 1);
	g_assert_cmpstr(tsr_kiosk_clipboard_summary(w.c, NULL), ==, "Clipboard: 7 bytes from web");
	teardown(&w);
}

static void test_emptied_on_lock_logout_source_gone(void)
{
	struct world w;
	setup(&w);
	copy(&w, "work", "one");
	tsr_kiosk_clipboard_set_locked(w.c, true);
	g_assert_null(tsr_kiosk_clipboard_summary(w.c, NULL));
	g_assert_true(g_str_has_prefix(last(w.audit), "clipboard-emptied source=work size=3"));
	g_assert_true(g_str_has_suffix(last(w.audit), "reason=lock"));
	/* Copy and paste while locked do nothing at all. */
	guint asked = w.requests->len;
	g_assert_false(tsr_kiosk_clipboard_copy(w.c, "work"));
	g_assert_cmpuint(w.requests->len, ==, asked);
	tsr_kiosk_clipboard_set_locked(w.c, false);

	copy(&w, "work", "two");
	tsr_kiosk_clipboard_clear(w.c, "logout");
	g_assert_null(tsr_kiosk_clipboard_summary(w.c, NULL));
	g_assert_true(g_str_has_suffix(last(w.audit), "reason=logout"));

	/* The source stops before the paste: nothing is left to paste. */
	copy(&w, "work", "three");
	tsr_kiosk_clipboard_domain_gone(w.c, "web");
	g_assert_nonnull(tsr_kiosk_clipboard_summary(w.c, NULL));
	tsr_kiosk_clipboard_domain_gone(w.c, "work");
	g_assert_true(g_str_has_suffix(last(w.audit), "reason=source-gone"));
	g_assert_false(tsr_kiosk_clipboard_paste(w.c, "web"));
	g_assert_null(w.pasted);
	teardown(&w);
}

static const struct { const char *path; GTestFunc test; } tests[] = {
	{"/kiosk-clipboard/copy-then-paste-allowed-and-emptied", test_copy_then_paste_allowed},
	{"/kiosk-clipboard/policy-refuses-and-wildcard", test_policy_refuses_and_wildcard},
	{"/kiosk-clipboard/nothing-to-take", test_nothing_to_take},
	{"/kiosk-clipboard/unasked-answers-ignored", test_unasked_answers_ignored},
	{"/kiosk-clipboard/unanswered-copy-ends-with-a-notice", test_unanswered_copy_ends},
	{"/kiosk-clipboard/emptied-on-lock-logout-source-gone",
	 test_emptied_on_lock_logout_source_gone},
};

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(tests); i++)
		g_test_add_func(tests[i].path, tests[i].test);
	return g_test_run();
}
