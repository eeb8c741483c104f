/* Directory walk: offers the files of a root filesystem directory on the
 * host ("dir:PATH") to a layer-walk visitor, as one pseudo-layer. */
#ifndef STRATA_WALK_DIR_H
#define STRATA_WALK_DIR_H

#include "image/walk.h"

/* Walks the tree under ROOT as layer 0 of a one-layer image. No symbolic
 * link below ROOT is followed, because every component is opened with
 * O_NOFOLLOW. A symbolic link is offered to the visitor as ST_FILE_SYMLINK
 * with its readlink target, and a link to a directory is not descended.
 * Only regular files and symbolic links are offered; FIFOs,
 * sockets and device nodes are counted in STATS->special_files and never
 * opened. Calls v->on_layer_file and then v->on_final_file for every
 * wanted file, in path order (bytewise, as st_walk_layers). A wanted file
 * over its max_bytes, or a subdirectory or file that cannot be opened for
 * lack of permission, is skipped with a warning on opts->diag. STATS,
 * when not NULL, receives one entry.
 *
 * Returns 0, STRATA_ELIMIT for a path over limits->path_bytes or
 * path_depth, over entries_per_layer entries or captured data over
 * cataloged_total_bytes, STRATA_ENOTFOUND or STRATA_EIO naming the path
 * for an I/O error, or a visitor callback's error. */
int st_walk_directory(const char *root, const struct st_walk_visitor *v,
		      const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
		      struct strata_error *err);

#endif
