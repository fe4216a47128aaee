/* tests/fuzz/renderer-scene-fuzz.c: libFuzzer target driving the scene with whatever a hostile
 * viewer and a confused kiosk could hand it: surface sizes and strides, damage rectangles at any
 * int32 coordinates, cursor shapes and hotspots, pointer positions, texts, overlays, resizes, in
 * any order, composing between. Surface and cursor memory is allocated to the exact size the
 * scene is told, so AddressSanitizer catches any read outside it; composed rectangles must stay
 * inside the output. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "renderer/scene.h"

struct input {
	const uint8_t *p;
	size_t n;
};

static uint32_t take(struct input *in, int bytes)
{
	uint32_t v = 0;
	for (int i = 0; i < bytes; i++) {
		v = v << 8 | (in->n ? *in->p : 0);
		if (in->n) {
			in->p++;
			in->n--;
		}
	}
	return v;
}

static char *take_text(struct input *in)
{
	size_t len = take(in, 1) % 40;
	char *s = malloc(len + 1);
	for (size_t i = 0; i < len; i++)
		s[i] = (char)take(in, 1);
	s[len] = '\0';
	return s;
}

static int32_t side(struct input *in)
{
	uint32_t v = take(in, 2);
	/* Mostly small, sometimes a long thin 8192, sometimes out of range. */
	if (v >= 0xfff0)
		return (int32_t)(8192 + (v & 3) - 1);
	return (int32_t)(v % 300);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	int32_t w = (int32_t)(take(&in, 1) * 3 + 1), h = (int32_t)(take(&in, 1) * 2 + 1);
	struct tsr_scene *scene = tsr_scene_create(w, h, NULL);
	if (scene == NULL)
		return 0;
	struct tsr_scene_domain *doms[TSR_SCENE_MAX_DOMAINS] = { NULL };
	void *mem[TSR_SCENE_MAX_DOMAINS] = { NULL };
	int n = 0;
	for (int ops = 0; in.n > 0 && ops < 64; ops++) {
		int op = (int)(take(&in, 1) % 14);
		int i = n > 0 ? (int)(take(&in, 1) % (uint32_t)n) : 0;
		switch (op) {
		case 0: {
			char *name = take_text(&in);
			struct tsr_scene_domain *d =
				tsr_scene_add_domain(scene, name, (enum tsr_color)(take(&in, 1) % 10), NULL);
			if (d != NULL) {
				mem[n] = NULL;
				doms[n++] = d;
			}
			free(name);
			break;
		}
		case 1:
			if (n > 0) {
				tsr_scene_remove_domain(scene, doms[i]);
				free(mem[i]);
				memmove(&doms[i], &doms[i + 1], (size_t)(n - i - 1) * sizeof doms[0]);
				memmove(&mem[i], &mem[i + 1], (size_t)(n - i - 1) * sizeof mem[0]);
				n--;
			}
			break;
		case 2:
			if (n > 0) {
				struct tsr_pixels px = { NULL, side(&in), side(&in), 0 };
				px.stride = px.width * 4 + (int32_t)(take(&in, 1) % 3) * 4 - 4;
				int64_t bytes = (int64_t)px.stride * px.height;
				void *m = bytes > 0 && bytes <= (64 << 20) ? malloc((size_t)bytes) : NULL;
				if (m != NULL)
					memset(m, (int)take(&in, 1), (size_t)bytes);
				px.data = m;
				if (tsr_scene_domain_set_surface(doms[i], m ? &px : NULL, NULL, NULL)) {
					free(mem[i]);
					mem[i] = m;
				} else {
					free(m);
				}
			}
			break;
		case 3:
			if (n > 0)
				tsr_scene_domain_damage(doms[i], (int32_t)take(&in, 4), (int32_t)take(&in, 4),
							(int32_t)take(&in, 4), (int32_t)take(&in, 4));
			break;
		case 4:
			if (n > 0) {
				struct tsr_cursor c = { NULL, (int32_t)(take(&in, 1) % 140),
							(int32_t)(take(&in, 1) % 140), 0, 0 };
				c.hot_x = (int32_t)(take(&in, 1) % 140);
				c.hot_y = (int32_t)(take(&in, 1) % 140);
				uint32_t *a = c.width > 0 && c.height > 0
						      ? malloc((size_t)c.width * (size_t)c.height * 4)
						      : NULL;
				if (a != NULL)
					memset(a, (int)take(&in, 1), (size_t)c.width * (size_t)c.height * 4);
				c.argb = a;
				(void)!tsr_scene_domain_set_cursor(doms[i], take(&in, 1) % 4 ? &c : NULL, NULL);
				free(a);
			}
			break;
		case 5:
			tsr_scene_set_pointer(scene, (int32_t)take(&in, 4), (int32_t)take(&in, 4));
			tsr_scene_set_pointer_visible(scene, take(&in, 1) & 1);
			break;
		case 6:
			tsr_scene_set_focus(scene, n > 0 && take(&in, 1) % 4 ? doms[i] : NULL);
			break;
		case 7:
			tsr_scene_set_layout(scene, take(&in, 1) & 1 ? TSR_LAYOUT_TILED : TSR_LAYOUT_SINGLE);
			tsr_scene_set_filter(scene, take(&in, 1) & 1 ? TSR_FILTER_BILINEAR : TSR_FILTER_NEAREST);
			break;
		case 8: {
			char *t = take_text(&in);
			(void)!tsr_scene_set_clock(scene, t, NULL);
			(void)!tsr_scene_set_notification(scene, t, NULL);
			tsr_scene_set_locked(scene, take(&in, 1) & 1);
			free(t);
			break;
		}
		case 9: {
			struct tsr_overlay_item items[4];
			char *texts[4];
			int k = (int)(take(&in, 1) % 5);
			for (int j = 0; j < k; j++) {
				texts[j] = take_text(&in);
				items[j] = (struct tsr_overlay_item){
					.kind = (enum tsr_overlay_kind)(take(&in, 1) % 3),
					.rect = { (int32_t)take(&in, 4), (int32_t)take(&in, 4),
						  (int32_t)take(&in, 4), (int32_t)take(&in, 4) },
					.rgb = take(&in, 4),
					.text = texts[j],
					.px = (int32_t)(take(&in, 1) + 2),
					.align = (enum tsr_align)(take(&in, 1) % 4),
				};
			}
			(void)!tsr_scene_set_overlay(scene, take(&in, 4), items, k, NULL);
			for (int j = 0; j < k; j++)
				free(texts[j]);
			break;
		}
		case 10:
			tsr_scene_clear_overlay(scene);
			break;
		case 11:
			if (tsr_scene_resize(scene, (int32_t)(take(&in, 1) * 3), (int32_t)(take(&in, 1) * 2),
					     NULL)) {
				const struct tsr_image *s = tsr_scene_shadow(scene);
				w = s ? s->width : 0;
				h = s ? s->height : 0;
			}
			break;
		default: {
			int nr = 0;
			const struct tsr_rect *r = tsr_scene_compose(scene, &nr);
			for (int j = 0; j < nr; j++)
				if (r[j].x < 0 || r[j].y < 0 || r[j].width <= 0 || r[j].height <= 0 ||
				    r[j].x + r[j].width > w || r[j].y + r[j].height > h)
					abort();
			struct tsr_rect c;
			int32_t sx, sy;
			if (n > 0 && tsr_scene_domain_content_rect(doms[i], &c) &&
			    !tsr_scene_map_to_surface(doms[i], c.x, c.y, &sx, &sy))
				abort();
			break;
		}
		}
	}
	int nr = 0;
	tsr_scene_compose(scene, &nr);
	tsr_scene_destroy(scene);
	for (int i = 0; i < n; i++)
		free(mem[i]);
	return 0;
}
