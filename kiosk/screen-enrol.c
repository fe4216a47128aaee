/* kiosk/screen-enrol.c: the screen of a laptop that is not enrolled. Without pinned root keys no
 * policy can be installed, so there is nobody to log in: the screen says what the laptop needs
 * and takes no text at all, so nothing a user types here can be mistaken for a login.
 *
 * When an enrolment disk is plugged in, the broker reads and checks it and this screen shows
 * what it would pin: the organization, the laptop group and the root key's fingerprint, for
 * the user to compare with what the administrator gave them and to confirm with Enter (Escape
 * declines). It is drawn by the kiosk alone, like every trusted screen; a disk that was
 * refused is shown with the reason. */
#include "config.h"
#include "kiosk/screens-private.h"

static void offer(struct ks_builder *b, const struct tsr_kiosk_enrol *e, int32_t y)
{
	int32_t u = b->unit;
	struct tsr_rect panel = ks_row(b, y, 34 * u, 13 * u);
	struct tsr_rect line = { panel.x, panel.y + u, panel.width, 2 * u };

	ks_box(b, panel, KS_PANEL, u / 8 + 1, KS_FIELD_ACTIVE);
	ks_text(b, line, KS_TEXT, u, TSR_ALIGN_CENTER, "Enrol this laptop with the disk's keys?");
	line.y += 2 * u;
	ks_text(b, line, KS_TEXT, u, TSR_ALIGN_CENTER, "Organization: %s", e->organization);
	line.y += 2 * u;
	ks_text(b, line, KS_TEXT, u, TSR_ALIGN_CENTER, "Laptop group: %s", e->group);
	line.y += 2 * u;
	if (e->n_roots > 1)
		ks_text(b, line, KS_TEXT, u, TSR_ALIGN_CENTER, "Root key: %s (and %u more)",
			e->fingerprint, e->n_roots - 1);
	else
		ks_text(b, line, KS_TEXT, u, TSR_ALIGN_CENTER, "Root key: %s", e->fingerprint);
	line.y += 2 * u;
	ks_text(b, line, KS_DIM, u, TSR_ALIGN_CENTER, "Compare the key with your administrator's.");
	line.y += 2 * u;
	ks_text(b, line, KS_DIM, u, TSR_ALIGN_CENTER, "Enter: enrol this laptop.   Escape: do not.");
	ks_message(b, panel.y + panel.height + 2 * u);
}

void ks_screen_not_enrolled(struct ks_builder *b)
{
	const struct tsr_kiosk_enrol *e = tsr_session_enrol(b->session);
	int32_t u = b->unit, y = b->area.y + 4 * u;
	struct tsr_rect panel;

	ks_text(b, ks_row(b, y, b->area.width - 2 * u, 3 * u), KS_TEXT, 2 * u, TSR_ALIGN_CENTER,
		"This laptop is not enrolled");
	y += 5 * u;
	if (e->state == TSR_KIOSK_ENROL_OFFER) {
		offer(b, e, y);
		return;
	}
	panel = ks_row(b, y, 34 * u, 5 * u);
	ks_box(b, panel, KS_PANEL, u / 8 + 1, KS_FIELD_ACTIVE);
	ks_text(b, (struct tsr_rect){ panel.x, panel.y + u, panel.width, 2 * u }, KS_TEXT, u,
		TSR_ALIGN_CENTER, "It holds no organization's keys yet, so nobody can log in.");
	ks_text(b, (struct tsr_rect){ panel.x, panel.y + 3 * u, panel.width, 2 * u }, KS_DIM, u,
		TSR_ALIGN_CENTER, "Insert the enrolment stick your administrator gave you.");
	if (e->state == TSR_KIOSK_ENROL_REFUSED) {
		ks_text(b, ks_row(b, panel.y + panel.height + u, b->area.width - 2 * u, 2 * u),
			KS_ERROR, u, TSR_ALIGN_CENTER, "Enrolment disk refused:");
		ks_text(b, ks_row(b, panel.y + panel.height + 3 * u, b->area.width - 2 * u, 2 * u),
			KS_ERROR, u * 3 / 4, TSR_ALIGN_CENTER, "%s", e->text);
		ks_message(b, panel.y + panel.height + 6 * u);
		return;
	}
	ks_message(b, panel.y + panel.height + 2 * u);
}
