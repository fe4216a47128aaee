/* kiosk/screen-login.c: the login screen (organization, user name, password as dots) and the
 * unlock screen (the locked session's password). The password itself never reaches this file:
 * the session gives only how many characters were typed. */
#include "config.h"
#include "kiosk/screens-private.h"

#include <string.h>

#define DOT "\u25cf"

static void field(struct ks_builder *b, int32_t y, int index, const char *label, const char *value,
		  bool active)
{
	int32_t u = b->unit;
	struct tsr_rect box = ks_row(b, y + 3 * u / 2, 20 * u, 2 * u);

	ks_text(b, (struct tsr_rect){ box.x, y, box.width, 3 * u / 2 }, KS_DIM, u * 3 / 4,
		TSR_ALIGN_LEFT, "%s", label);
	ks_box(b, box, KS_FIELD, active ? u / 8 + 1 : 1, active ? KS_FIELD_ACTIVE : KS_DIM);
	ks_text(b, (struct tsr_rect){ box.x + u / 2, box.y, box.width - u, box.height }, KS_TEXT,
		u, TSR_ALIGN_LEFT, "%s%s", value, active ? "|" : "");
	ks_target(b, TSR_KIOSK_TARGET_FIELD, (size_t)index, box);
}

static char *dots(size_t n)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < n && i < 64; i++)
		g_string_append(s, DOT);
	return g_string_free(s, FALSE);
}

static void entry_footer(struct ks_builder *b, int32_t y, bool login)
{
	int32_t u = b->unit;

	if (tsr_session_busy(b->session)) {
		ks_text(b, ks_row(b, y, 30 * u, 3 * u / 2), KS_DIM, u, TSR_ALIGN_CENTER, "Checking…");
		return;
	}
	ks_message(b, y);
	ks_text(b, ks_row(b, b->area.y + b->area.height - 3 * u, b->area.width - 2 * u, 3 * u / 2),
		KS_DIM, u * 3 / 4, TSR_ALIGN_CENTER, "%s",
		login ? "Enter: next / log in    Tab: other field    Esc: cancel"
		      : "Enter: unlock    Esc: cancel");
}

void ks_screen_login(struct ks_builder *b)
{
	int32_t u = b->unit, y = b->area.y + 3 * u;
	int f = tsr_session_field(b->session);
	g_autofree char *pw = dots(tsr_session_password_chars(b->session));
	bool busy = tsr_session_busy(b->session);

	ks_text(b, ks_row(b, y, b->area.width - 2 * u, 3 * u), KS_TEXT, 2 * u, TSR_ALIGN_CENTER, "%s",
		tsr_session_organization(b->session));
	y += 3 * u;
	ks_text(b, ks_row(b, y, 20 * u, 2 * u), KS_DIM, u, TSR_ALIGN_CENTER, "Log in");
	y += 3 * u;
	ks_fill(b, ks_row(b, y, 24 * u, 10 * u), KS_PANEL);
	field(b, y + u, 0, "User name", tsr_session_typed_user(b->session), !busy && f == 0);
	field(b, y + 5 * u, 1, "Password", pw, !busy && f == 1);
	entry_footer(b, y + 11 * u, true);
}

void ks_screen_unlock(struct ks_builder *b)
{
	int32_t u = b->unit, y = b->area.y + 3 * u;
	const char *full = tsr_session_full_name(b->session);
	g_autofree char *pw = dots(tsr_session_password_chars(b->session));
	g_autofree char *who = g_strdup_printf("Password of %s", full[0] ? full
							     : tsr_session_user(b->session));

	ks_text(b, ks_row(b, y, b->area.width - 2 * u, 3 * u), KS_TEXT, 2 * u, TSR_ALIGN_CENTER,
		"Unlock");
	y += 6 * u;
	ks_fill(b, ks_row(b, y, 24 * u, 6 * u), KS_PANEL);
	field(b, y + u, 1, who, pw, !tsr_session_busy(b->session));
	entry_footer(b, y + 7 * u, false);
}
