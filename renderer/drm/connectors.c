/* renderer/drm/connectors.c: a card's connectors by name, with the mode the output would use.
 *
 * Several monitors are arranged by connector name (policy [outputs], kiosk/arrangement.h)
 * before any output is opened on them; the names and sizes come from the same naming and
 * mode choice as the drm output's own (modes.c), so a name policy writes is one a drm spec
 * accepts and a size is the one the output will show. */
#include "config.h"

#include <errno.h>

#include "renderer/drm/private.h"
#include "renderer/output.h"

bool tsr_output_drm_connectors(int card_fd, struct tsr_output_connector *connectors, int max,
			       int *n, GError **error)
{
	drmModeRes *res = drmModeGetResources(card_fd);
	int k = 0;

	if (!res) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "cannot list the card's connectors: %s (not a KMS card?)",
			    g_strerror(errno));
		return false;
	}
	for (int i = 0; i < res->count_connectors && k < max; i++) {
		drmModeConnector *c = drmModeGetConnector(card_fd, res->connectors[i]);

		if (!c)
			continue;
		const drmModeModeInfo *m =
			c->connection == DRM_MODE_CONNECTED ? tsr_drm_pick_mode(c) : NULL;

		tsr_drm_connector_name(c, connectors[k].name, sizeof connectors[k].name);
		connectors[k].width = m ? m->hdisplay : 0;
		connectors[k].height = m ? m->vdisplay : 0;
		k++;
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);
	*n = k;
	return true;
}
