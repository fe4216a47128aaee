/* kiosk/displays-clipboard.c: the clipboard messages of each display's viewer link, by domain
 * name, for dom0's trusted clipboard (kiosk/clipboard.h): requests and pastes go to the named
 * domain's viewer only, answers come back with the name of the display they arrived on. */
#include "config.h"
#include "kiosk/displays-private.h"

void tsr_displays_on_clipboard(void *opaque, struct tsr_clipboard_answer *answer)
{
	struct tsr_display *d = opaque;
	struct tsr_displays *ds = d->owner;

	if (ds->hooks.clipboard)
		ds->hooks.clipboard(ds->data, d->name, answer);
}

bool tsr_displays_clipboard_request(struct tsr_displays *displays, const char *domain,
				    uint32_t max_bytes)
{
	struct tsr_display *d = tsr_displays_by_name(displays, domain);

	return d && d->link && d->connected &&
	       tsr_viewer_link_clipboard_request(d->link, max_bytes) == 0;
}

bool tsr_displays_clipboard_paste(struct tsr_displays *displays, const char *domain,
				  const char *text, size_t len)
{
	struct tsr_display *d = tsr_displays_by_name(displays, domain);

	return d && d->link && d->connected &&
	       tsr_viewer_link_clipboard_paste(d->link, text, len) == 0;
}
