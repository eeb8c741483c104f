/* Fuzz target for the image JSON parsers: the same bytes are parsed as an
 * OCI index, an image manifest, an image config, a docker-archive
 * manifest.json and an oci-layout file, and classified by kind. */
#include <stddef.h>
#include <stdint.h>

#include "image/image_json.h"

/* Larger inputs only repeat structure; the limits bound the parsers. */
#define MAX_INPUT (256 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strata_limits lim;
	struct strata_error err;
	struct st_slice text;
	struct st_docker_manifest dm;
	struct st_manifest m;
	struct st_config c;
	struct st_index idx;
	struct st_arena a;
	int kind;

	if (size > MAX_INPUT)
		return 0;
	strata_limits_default(&lim);
	lim.layers = 64;
	text = st_slice_make((const char *)data, size);

	st_arena_init(&a);
	st_image_json_kind(&kind, text, &lim, "fuzz", &err);
	st_image_parse_index(&idx, text, &lim, &a, "fuzz", &err);
	st_image_parse_manifest(&m, text, &lim, &a, "fuzz", &err);
	st_image_parse_config(&c, text, &lim, &a, "fuzz", &err);
	st_image_parse_docker_manifest(&dm, text, &lim, &a, "fuzz", &err);
	st_image_parse_layout(text, &lim, "fuzz", &err);
	st_arena_dispose(&a);
	return 0;
}
