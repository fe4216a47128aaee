/* tests/harness/tree.c: rm -rf for test directories (see tree.h). */
#include "config.h"
#include "tests/harness/tree.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

bool tsr_test_remove_tree(const char *path)
{
	GStatBuf st;
	bool ok = true;

	if (g_lstat(path, &st) < 0)
		return errno == ENOENT;
	if (S_ISDIR(st.st_mode)) {
		g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
		const char *name;
		while (d && (name = g_dir_read_name(d))) {
			g_autofree char *p = g_build_filename(path, name, NULL);
			ok = tsr_test_remove_tree(p) && ok;
		}
		return g_rmdir(path) == 0 && ok;
	}
	return g_unlink(path) == 0;
}
