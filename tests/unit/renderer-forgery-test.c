/* tests/unit/renderer-forgery-test.c: a domain cannot paint the trusted chrome.
 *
 * Every scene is rendered three times, with every domain surface (and cursor shape) all black,
 * all white, and drawing a fake top bar and a fake border in another domain's colour. Outside
 * the content rectangles the three frames must be bit-identical. Repeated over random surface
 * sizes from 1x1 to 8192x8192, odd output sizes, both filters and every layout.
 *
 * Surfaces up to 8192x8192 would need 256 MiB each, so a surface is one 2 MiB memfd chunk
 * mapped over and over: the pattern repeats every few rows, which is just as hostile, and a
 * 4-domain scene costs 6 MiB. */
#include "config.h"

#include <math.h>
#include <sys/mman.h>
#include <unistd.h>

#include "renderer/palette.h"
#include "renderer/scene.h"

#define CHUNK (2u << 20)

enum variant { BLACK, WHITE, FORGE, N_VARIANTS };

struct surface {
	void *base;
	size_t len;
	int32_t width, height, stride;
};

static int32_t pow2_at_least(int32_t v)
{
	int32_t p = 4;
	while (p < v)
		p *= 2;
	return p;
}

/* A chunk of stride-wide rows: black, white, or fake chrome in colour `fake`. */
static int make_chunk(enum variant v, int32_t width, int32_t stride, uint32_t fake)
{
	int fd = memfd_create("forgery-chunk", MFD_CLOEXEC);
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(ftruncate(fd, CHUNK), ==, 0);
	uint32_t *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	g_assert_true(p != MAP_FAILED);
	int32_t rows = (int32_t)(CHUNK / (uint32_t)stride), words = stride / 4;
	for (int32_t y = 0; y < rows; y++) {
		for (int32_t x = 0; x < words; x++) {
			uint32_t c = 0;
			if (v == WHITE)
				c = 0xffffffff;
			else if (v == FORGE) {
				/* A fake top bar with a fake name box, then a fake border. */
				if (y < 24)
					c = x < width / 3 ? fake : 0x121212;
				else if (x < 8 || x >= width - 8 || y >= rows - 8)
					c = fake;
				else
					c = 0xf0f0f0;
			}
			p[(size_t)y * (size_t)words + (size_t)x] = c;
		}
	}
	munmap(p, CHUNK);
	return fd;
}

static struct surface map_surface(int fd, int32_t width, int32_t height, int32_t stride)
{
	struct surface s = { .width = width, .height = height, .stride = stride };
	size_t bytes = (size_t)stride * (size_t)height;
	s.len = (bytes + CHUNK - 1) / CHUNK * CHUNK;
	s.base = mmap(NULL, s.len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	g_assert_true(s.base != MAP_FAILED);
	for (size_t off = 0; off < s.len; off += CHUNK) {
		void *m = mmap((char *)s.base + off, CHUNK, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
		g_assert_true(m == (char *)s.base + off);
	}
	return s;
}

/* Log-uniform 1..8192, so small, odd and huge sizes all turn up. */
static int32_t random_side(void)
{
	return (int32_t)CLAMP(exp2(g_test_rand_double_range(0.0, 13.0)), 1.0, 8192.0);
}

static int32_t random_odd(int32_t lo, int32_t hi)
{
	return g_test_rand_int_range(lo, hi) | 1;
}

struct config {
	int32_t out_w, out_h;
	int n;
	int32_t sw[4], sh[4];
	enum tsr_color color[4];
	int focus;
	int32_t px, py;
};

static void make_config(struct config *c, int index)
{
	static const int32_t edge[][2] = { { 1, 1 }, { 8192, 8192 }, { 1, 8192 }, { 8192, 1 } };
	c->out_w = index == 0 ? 1 : index == 1 ? 33 : random_odd(101, 1921);
	c->out_h = index == 0 ? 1 : index == 1 ? 27 : random_odd(75, 1201);
	c->n = index < 2 ? 4 : g_test_rand_int_range(1, 5);
	for (int i = 0; i < 4; i++) {
		bool e = index == 2 || index == 3;
		c->sw[i] = e ? edge[(i + index) % 4][0] : random_side();
		c->sh[i] = e ? edge[(i + index) % 4][1] : random_side();
		c->color[i] = (enum tsr_color)g_test_rand_int_range(0, TSR_COLOR_COUNT);
	}
	c->focus = g_test_rand_int_range(-1, c->n);
	c->px = g_test_rand_int_range(0, c->out_w);
	c->py = g_test_rand_int_range(0, c->out_h);
}

static void test_forgery(void)
{
	int64_t compared = 0, configs = 0;
	for (int index = 0; index < 40; index++) {
		struct config c;
		make_config(&c, index);
		struct tsr_scene *scenes[N_VARIANTS];
		struct surface surf[N_VARIANTS][4];
		int fds[N_VARIANTS][4];
		struct tsr_scene_domain *doms[N_VARIANTS][4];
		static uint32_t cursor[N_VARIANTS][128 * 128];
		for (int v = 0; v < N_VARIANTS; v++) {
			GError *error = NULL;
			scenes[v] = tsr_scene_create(c.out_w, c.out_h, &error);
			g_assert_no_error(error);
			for (int i = 0; i < 128 * 128; i++)
				cursor[v][i] = v == BLACK ? 0xff000000 : v == WHITE ? 0xffffffff
							 : (i % 128 < 64 ? 0xffd32f2f : 0xff121212);
			for (int i = 0; i < c.n; i++) {
				/* Fake chrome in the colour of some other domain. */
				uint32_t fake = tsr_color_rgb(c.color[(i + 1) % 4]);
				int32_t stride = pow2_at_least(c.sw[i] * 4);
				fds[v][i] = make_chunk((enum variant)v, c.sw[i], stride, fake);
				surf[v][i] = map_surface(fds[v][i], c.sw[i], c.sh[i], stride);
				g_autofree char *name = g_strdup_printf("domain-%d", i);
				struct tsr_scene_domain *d =
					tsr_scene_add_domain(scenes[v], name, c.color[i], &error);
				doms[v][i] = d;
				g_assert_no_error(error);
				struct tsr_pixels px = { surf[v][i].base, c.sw[i], c.sh[i], stride };
				g_assert_true(tsr_scene_domain_set_surface(d, &px, NULL, &error));
				/* Different shapes and hotspots per variant: each must stay inside. */
				int32_t hot = v == BLACK ? 0 : v == WHITE ? 127 : 64;
				struct tsr_cursor cur = { cursor[v], 128, 128, hot, hot };
				g_assert_true(tsr_scene_domain_set_cursor(d, &cur, &error));
				if (i == c.focus)
					tsr_scene_set_focus(scenes[v], d);
			}
			tsr_scene_set_pointer(scenes[v], c.px, c.py);
			tsr_scene_set_pointer_visible(scenes[v], true);
			g_assert_true(tsr_scene_set_clock(scenes[v], "09:41", &error));
		}
		/* Both layouts with both filters, then a trusted screen (overlay) over it all. */
		for (int combo = 0; combo < 5; combo++) {
			enum tsr_layout layout = (combo / 2) % 2 ? TSR_LAYOUT_SINGLE : TSR_LAYOUT_TILED;
			enum tsr_filter filter = combo % 2 ? TSR_FILTER_BILINEAR : TSR_FILTER_NEAREST;
			const struct tsr_image *img[N_VARIANTS];
			for (int v = 0; v < N_VARIANTS; v++) {
				if (combo == 4) {
					struct tsr_overlay_item it = {
						.kind = TSR_OVERLAY_TEXT, .rect = { 0, c.out_h / 2, c.out_w, 30 },
						.rgb = 0xffffff, .text = "Password:", .px = 16,
						.align = TSR_ALIGN_CENTER };
					GError *error = NULL;
					g_assert_true(tsr_scene_set_overlay(scenes[v], 0x1a1a2e, &it, 1, &error));
				}
				tsr_scene_set_layout(scenes[v], layout);
				tsr_scene_set_filter(scenes[v], filter);
				tsr_scene_damage_all(scenes[v]);
				int n = 0;
				tsr_scene_compose(scenes[v], &n);
				img[v] = tsr_scene_shadow(scenes[v]);
			}
			/* Content rectangles depend on sizes only: the same in every variant. */
			struct tsr_rect content[4];
			for (int i = 0; i < c.n; i++) {
				tsr_scene_domain_content_rect(doms[0][i], &content[i]);
				for (int v = 1; v < N_VARIANTS; v++) {
					struct tsr_rect r;
					tsr_scene_domain_content_rect(doms[v][i], &r);
					g_assert_cmpmem(&r, sizeof r, &content[i], sizeof r);
				}
			}
			int64_t outside = 0, inside_differs = 0;
			for (int32_t y = 0; y < c.out_h; y++) {
				for (int32_t x = 0; x < c.out_w; x++) {
					bool inside = false;
					for (int i = 0; i < c.n; i++)
						inside |= !tsr_rect_empty(&content[i]) &&
							  x >= content[i].x && y >= content[i].y &&
							  x < content[i].x + content[i].width &&
							  y < content[i].y + content[i].height;
					size_t at = (size_t)y * (size_t)(img[0]->stride / 4) + (size_t)x;
					if (inside) {
						inside_differs += (img[BLACK]->pixels[at] & 0xffffff) !=
								  (img[WHITE]->pixels[at] & 0xffffff);
						continue;
					}
					outside++;
					for (int v = 1; v < N_VARIANTS; v++) {
						if ((img[v]->pixels[at] & 0xffffff) !=
						    (img[0]->pixels[at] & 0xffffff))
							g_error("config %d (%dx%d, %s, %s): pixel %d,%d outside "
								"content differs: %06x vs %06x",
								index, c.out_w, c.out_h, tsr_layout_name(layout),
								tsr_filter_name(filter), x, y,
								img[0]->pixels[at] & 0xffffff,
								img[v]->pixels[at] & 0xffffff);
					}
				}
			}
			compared += outside;
			/* Not vacuous: where content is shown, it shows the domain's pixels. (A small
			 * tile with an extreme surface, say 1x8192, may leave no content at all: then
			 * there is nothing to show, and everything was compared as outside.) */
			bool any_content = false;
			for (int i = 0; i < c.n; i++)
				any_content |= !tsr_rect_empty(&content[i]);
			if (any_content && combo < 4)
				g_assert_cmpint(inside_differs, >, 0);
			/* Under a trusted screen no domain is shown at all. */
			if (combo == 4)
				g_assert_cmpint(outside, ==, (int64_t)c.out_w * c.out_h);
		}
		for (int v = 0; v < N_VARIANTS; v++) {
			tsr_scene_destroy(scenes[v]);
			for (int i = 0; i < c.n; i++) {
				munmap(surf[v][i].base, surf[v][i].len);
				close(fds[v][i]);
			}
		}
		configs++;
	}
	g_test_message("%" G_GINT64_FORMAT " configurations, %" G_GINT64_FORMAT
		       " pixels outside content compared", configs, compared);
	g_assert_cmpint(compared, >, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/renderer/forgery/outside-content-is-identical", test_forgery);
	return g_test_run();
}
