/* kiosk/screen-install.c: the offer to install Tessera from its USB stick onto the laptop's
 * internal disk, and the install's progress and result.
 *
 * Erasing a disk is the one thing a kiosk screen can ask that cannot be undone, so the screen
 * names the disk as the broker found it (its name, size and model), says in the error colour
 * that everything on it is erased, and takes only the disk's name typed and Enter as a yes;
 * Escape declines. Like every trusted screen it is drawn by the kiosk alone: no domain is on
 * the outputs while the session state is INSTALL. */
#include "config.h"
#include "kiosk/screens-private.h"

#include <string.h>

static void offer(struct ks_builder *b, const struct tsr_kiosk_install *in, int32_t y)
{
	int32_t u = b->unit;
	struct tsr_rect panel = ks_row(b, y, 34 * u, 15 * u);
	struct tsr_rect line = { panel.x, panel.y + u, panel.width, 2 * u };
	g_autofree char *size = g_format_size(in->size_bytes);

	ks_box(b, panel, KS_PANEL, u / 8 + 1, KS_FIELD_ACTIVE);
	ks_text(b, line, KS_TEXT, u, TSR_ALIGN_CENTER, "Internal disk: %s, %s", in->disk, size);
	line.y += 2 * u;
	ks_text(b, line, KS_TEXT, u, TSR_ALIGN_CENTER, "%s", in->model);
	line.y += 2 * u;
	ks_text(b, line, KS_ERROR, u, TSR_ALIGN_CENTER, "Everything on %s is erased.", in->disk);
	line.y += 2 * u;
	ks_text(b, line, KS_DIM, u * 3 / 4, TSR_ALIGN_CENTER,
		"To install, type the disk's name, %s, and press Enter:", in->disk);
	line.y += 2 * u;
	struct tsr_rect box = ks_row(b, line.y, 12 * u, 2 * u);
	ks_box(b, box, KS_FIELD, u / 8 + 1, KS_FIELD_ACTIVE);
	ks_text(b, (struct tsr_rect){ box.x + u / 2, box.y, box.width - u, box.height }, KS_TEXT, u,
		TSR_ALIGN_LEFT, "%s|", tsr_session_install_typed(b->session));
	line.y += 3 * u;
	ks_text(b, line, KS_DIM, u * 3 / 4, TSR_ALIGN_CENTER,
		"Escape: do not install, and go on from the USB stick.");
	ks_message(b, panel.y + panel.height + 2 * u);
}

/* Where a long text breaks in two lines: the space nearest its middle (0: one line). */
static size_t break_at(const char *text)
{
	size_t n = strlen(text), best = 0;

	if (n <= 72)
		return 0;
	for (size_t i = 1; i < n; i++)
		if (text[i] == ' ' && (!best || ABS((long)i - (long)n / 2) < ABS((long)best - (long)n / 2)))
			best = i;
	return best;
}

/* Progress, or the end: the broker's words in a panel, and what the user may do. */
static void status(struct ks_builder *b, const struct tsr_kiosk_install *in, int32_t y)
{
	int32_t u = b->unit;
	bool failed = in->state == TSR_KIOSK_INSTALL_FAILED;
	struct tsr_rect panel = ks_row(b, y, 34 * u, 8 * u);
	struct tsr_rect line = { panel.x + u, panel.y + u, panel.width - 2 * u, 3 * u / 2 };
	uint32_t colour = failed ? KS_ERROR : KS_TEXT;
	size_t cut = break_at(in->text);
	const char *hint = in->state == TSR_KIOSK_INSTALL_RUNNING
				   ? "Keep the laptop on and the USB stick in until it ends."
			   : failed ? "Escape: go on from the USB stick (start it again to retry)."
				    : "Escape: go on from the USB stick.";

	ks_box(b, panel, KS_PANEL, u / 8 + 1, failed ? KS_ERROR : KS_FIELD_ACTIVE);
	if (cut) {
		ks_text(b, line, colour, u * 3 / 4, TSR_ALIGN_CENTER, "%.*s", (int)cut, in->text);
		line.y += 3 * u / 2;
		ks_text(b, line, colour, u * 3 / 4, TSR_ALIGN_CENTER, "%s", in->text + cut + 1);
	} else {
		ks_text(b, line, colour, u * 3 / 4, TSR_ALIGN_CENTER, "%s", in->text);
		line.y += 3 * u / 2;
	}
	line.y += 5 * u / 2;
	ks_text(b, line, KS_DIM, u * 3 / 4, TSR_ALIGN_CENTER, "%s", hint);
	ks_message(b, panel.y + panel.height + 2 * u);
}

void ks_screen_install(struct ks_builder *b)
{
	const struct tsr_kiosk_install *in = tsr_session_install(b->session);
	int32_t u = b->unit, y = b->area.y + 3 * u;
	const char *title = "Install Tessera on this laptop?";

	if (in->state == TSR_KIOSK_INSTALL_RUNNING)
		title = "Installing Tessera...";
	else if (in->state == TSR_KIOSK_INSTALL_DONE)
		title = "Tessera is installed";
	else if (in->state == TSR_KIOSK_INSTALL_FAILED)
		title = "The install failed";
	ks_text(b, ks_row(b, y, b->area.width - 2 * u, 3 * u), KS_TEXT, 2 * u, TSR_ALIGN_CENTER,
		"%s", title);
	y += 5 * u;
	if (in->state == TSR_KIOSK_INSTALL_OFFER)
		offer(b, in, y);
	else if (in->state)
		status(b, in, y);
}
