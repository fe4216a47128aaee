/* kiosk/screen-enrol.c: the screen of a laptop that is not enrolled. Without pinned root keys no
 * policy can be installed, so there is nobody to log in: the screen says what the laptop needs
 * and takes no text at all, so nothing a user types here can be mistaken for a login. */
#include "config.h"
#include "kiosk/screens-private.h"

void ks_screen_not_enrolled(struct ks_builder *b)
{
	int32_t u = b->unit, y = b->area.y + 4 * u;
	struct tsr_rect panel;

	ks_text(b, ks_row(b, y, b->area.width - 2 * u, 3 * u), KS_TEXT, 2 * u, TSR_ALIGN_CENTER,
		"This laptop is not enrolled");
	y += 5 * u;
	panel = ks_row(b, y, 34 * u, 5 * u);
	ks_box(b, panel, KS_PANEL, u / 8 + 1, KS_FIELD_ACTIVE);
	ks_text(b, (struct tsr_rect){ panel.x, panel.y + u, panel.width, 2 * u }, KS_TEXT, u,
		TSR_ALIGN_CENTER, "It holds no organization's keys yet, so nobody can log in.");
	ks_text(b, (struct tsr_rect){ panel.x, panel.y + 3 * u, panel.width, 2 * u }, KS_DIM, u,
		TSR_ALIGN_CENTER, "Your administrator enrols it (tessera-provision init).");
	ks_message(b, panel.y + panel.height + 2 * u);
}
