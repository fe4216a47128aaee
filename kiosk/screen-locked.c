/* kiosk/screen-locked.c: the two "press the SAS" screens: nobody logged in, and a locked
 * session. Neither takes any text: the password prompt appears only after the secure attention
 * sequence, which no domain can produce or see, so a domain drawing a fake prompt gets nothing. */
#include "config.h"
#include "kiosk/screens-private.h"

static void sas_panel(struct ks_builder *b, int32_t y, const char *what)
{
	int32_t u = b->unit;
	struct tsr_rect panel = ks_row(b, y, 22 * u, 5 * u);

	ks_box(b, panel, KS_PANEL, u / 8 + 1, KS_FIELD_ACTIVE);
	ks_text(b, (struct tsr_rect){ panel.x, panel.y + u / 2, panel.width, 2 * u }, KS_DIM, u,
		TSR_ALIGN_CENTER, "Press");
	ks_text(b, (struct tsr_rect){ panel.x, panel.y + 2 * u, panel.width, 2 * u }, KS_TEXT,
		u * 3 / 2, TSR_ALIGN_CENTER, "%s", tsr_session_sas(b->session));
	ks_text(b, ks_row(b, panel.y + panel.height + u, 30 * u, 3 * u / 2), KS_DIM, u,
		TSR_ALIGN_CENTER, "%s", what);
}

static void footer(struct ks_builder *b)
{
	int32_t u = b->unit;

	ks_text(b, ks_row(b, b->area.y + b->area.height - 3 * u, b->area.width - 2 * u, u * 3 / 2),
		KS_DIM, u * 3 / 4, TSR_ALIGN_CENTER,
		"No domain can see %s: a password prompt that comes without it is a fake.",
		tsr_session_sas(b->session));
}

void ks_screen_locked(struct ks_builder *b)
{
	int32_t u = b->unit, y = b->area.y + 4 * u;

	ks_text(b, ks_row(b, y, b->area.width - 2 * u, 3 * u), KS_TEXT, 2 * u, TSR_ALIGN_CENTER, "%s",
		tsr_session_organization(b->session));
	y += 4 * u;
	if (tsr_session_waiting_broker(b->session)) {
		ks_text(b, ks_row(b, y + 2 * u, 30 * u, 2 * u), KS_DIM, u, TSR_ALIGN_CENTER,
			"Starting…");
		return;
	}
	sas_panel(b, y + u, "to log in");
	ks_message(b, y + 9 * u);
	footer(b);
}

void ks_screen_lock(struct ks_builder *b)
{
	int32_t u = b->unit, y = b->area.y + 3 * u;
	const char *full = tsr_session_full_name(b->session);
	const char *user = tsr_session_user(b->session);

	ks_text(b, ks_row(b, y, b->area.width - 2 * u, 3 * u), KS_TEXT, 2 * u, TSR_ALIGN_CENTER,
		"Locked");
	y += 3 * u;
	if (full[0])
		ks_text(b, ks_row(b, y, b->area.width - 2 * u, 2 * u), KS_DIM, u, TSR_ALIGN_CENTER,
			"%s (%s) is logged in", full, user);
	else
		ks_text(b, ks_row(b, y, b->area.width - 2 * u, 2 * u), KS_DIM, u, TSR_ALIGN_CENTER,
			"%s is logged in", user);
	y += 3 * u;
	sas_panel(b, y + u, "to unlock");
	ks_message(b, y + 9 * u);
	footer(b);
}
