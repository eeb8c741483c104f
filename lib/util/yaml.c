/* YAML documents as jansson trees, for the feeds and lock files that are
 * written in YAML (PyPA's OSV records, pnpm-lock.yaml).
 *
 * libyaml's event parser builds the tree with an explicit stack, so the
 * nesting limit is checked before any deeper node exists. Aliases are
 * rejected outright: none of these formats needs them, and an alias of an
 * alias is how a small YAML file expands to gigabytes ("billion laughs"). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "util/util.h"

struct yaml_frame {
	json_t *node; /* an object or array, borrowed from its parent */
	char *key;    /* objects: the member name read, waiting for its value */
};

struct yaml_builder {
	json_t *root;
	struct yaml_frame *stack;
	size_t depth;
	size_t max_depth;
	size_t nodes;
};

/* Plain (unquoted) scalars that YAML 1.2's core schema reads as null or
 * booleans. Every other scalar, numbers included, stays a string: OSV
 * versions such as 2.10 must not turn into the number 2.1. */
static json_t *scalar_value(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;

	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		if (n == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
		    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0)
			return json_null();
		if (strcmp(v, "true") == 0 || strcmp(v, "True") == 0 || strcmp(v, "TRUE") == 0)
			return json_true();
		if (strcmp(v, "false") == 0 || strcmp(v, "False") == 0 ||
		    strcmp(v, "FALSE") == 0)
			return json_false();
	}
	/* json_stringn keeps embedded NUL bytes, which the importer then
	 * rejects like JSON's "\u0000". */
	return json_stringn(v, n);
}

/* Attaches VALUE (a new reference, stolen) to the current container or
 * makes it the root. */
static int attach(struct yaml_builder *b, json_t *value, size_t line, struct strata_error *err)
{
	struct yaml_frame *top;
	int rc;

	if (value == NULL)
		return st_error_set(err, STRATA_ECORRUPT,
				    "invalid YAML at line %zu: string is not valid UTF-8", line);
	if (++b->nodes > ST_YAML_MAX_NODES) {
		json_decref(value);
		return st_error_set(err, STRATA_ELIMIT, "YAML document has more than %d nodes",
				    ST_YAML_MAX_NODES);
	}
	if (b->depth == 0) {
		if (b->root != NULL) {
			json_decref(value);
			return st_error_set(err, STRATA_ECORRUPT,
					    "invalid YAML at line %zu: more than one document", line);
		}
		b->root = value;
		return 0;
	}
	top = &b->stack[b->depth - 1];
	if (json_is_array(top->node))
		return json_array_append_new(top->node, value) == 0
			       ? 0
			       : st_error_set(err, STRATA_ENOMEM, "out of memory");
	rc = json_object_set_new(top->node, top->key, value);
	free(top->key);
	top->key = NULL;
	if (rc < 0)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	return 0;
}

/* Handles a scalar: the name of the next member when the current
 * container is a mapping waiting for one, else a value. */
static int on_scalar(struct yaml_builder *b, const yaml_event_t *ev, size_t line,
		     struct strata_error *err)
{
	struct yaml_frame *top = b->depth > 0 ? &b->stack[b->depth - 1] : NULL;
	const char *v = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;

	if (top != NULL && json_is_object(top->node) && top->key == NULL) {
		if (memchr(v, '\0', n) != NULL)
			return st_error_set(err, STRATA_ECORRUPT,
					    "invalid YAML at line %zu: mapping key with a NUL byte",
					    line);
		top->key = st_strndup(v, n);
		if (top->key == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory");
		return 0;
	}
	return attach(b, scalar_value(ev), line, err);
}

/* Opens a mapping or sequence: attaches it, then makes it current. */
static int on_start(struct yaml_builder *b, json_t *node, size_t line, struct strata_error *err)
{
	struct yaml_frame *top = b->depth > 0 ? &b->stack[b->depth - 1] : NULL;
	int rc;

	if (node == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	if (top != NULL && json_is_object(top->node) && top->key == NULL) {
		json_decref(node);
		return st_error_set(err, STRATA_ECORRUPT,
				    "invalid YAML at line %zu: mapping key that is not a scalar",
				    line);
	}
	if (b->depth >= b->max_depth) {
		json_decref(node);
		return st_error_set(err, STRATA_ELIMIT, "YAML nested deeper than %zu levels",
				    b->max_depth);
	}
	json_incref(node);
	rc = attach(b, node, line, err);
	if (rc < 0) {
		json_decref(node);
		return rc;
	}
	b->stack[b->depth].node = node;
	b->stack[b->depth].key = NULL;
	b->depth++;
	/* The parent (or root) holds the reference from here on. */
	json_decref(node);
	return 0;
}

/* Handles one parser event. Sets *DONE at the end of the stream. */
static int on_event(struct yaml_builder *b, const yaml_event_t *ev, bool *done,
		    struct strata_error *err)
{
	size_t line = ev->start_mark.line + 1;

	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		*done = true;
		return 0;
	case YAML_ALIAS_EVENT:
		return st_error_set(err, STRATA_ECORRUPT,
				    "YAML alias at line %zu: aliases are not supported", line);
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev, line, err);
	case YAML_MAPPING_START_EVENT:
		return on_start(b, json_object(), line, err);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(b, json_array(), line, err);
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		if (b->depth == 0)
			return st_error_set(err, STRATA_EINTERNAL, "unbalanced YAML events");
		b->depth--;
		free(b->stack[b->depth].key);
		b->stack[b->depth].key = NULL;
		return 0;
	default:
		/* Stream and document starts, document ends. */
		return 0;
	}
}

int st_yaml_to_json(struct json_t **out, struct st_slice text, const struct strata_limits *lim,
		    struct strata_error *err)
{
	struct yaml_builder b = {0};
	yaml_parser_t parser;
	yaml_event_t ev;
	bool done = false;
	int rc = 0;

	*out = NULL;
	if (!yaml_parser_initialize(&parser))
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	/* libyaml asserts on a NULL input, which an empty buffer may have. */
	yaml_parser_set_input_string(&parser,
				     (const unsigned char *)(text.ptr != NULL ? text.ptr : ""),
				     text.len);
	b.max_depth = lim->json_depth;
	b.stack = calloc(b.max_depth + 1, sizeof(*b.stack));
	if (b.stack == NULL) {
		rc = st_error_set(err, STRATA_ENOMEM, "out of memory");
		goto out;
	}

	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			if (parser.error == YAML_MEMORY_ERROR)
				rc = st_error_set(err, STRATA_ENOMEM, "out of memory");
			else
				rc = st_error_set(err, STRATA_ECORRUPT,
						  "invalid YAML at line %zu: %s",
						  parser.problem_mark.line + 1,
						  parser.problem ? parser.problem : "syntax error");
			goto out;
		}
		rc = on_event(&b, &ev, &done, err);
		yaml_event_delete(&ev);
		if (rc < 0)
			goto out;
	}
	if (b.root == NULL)
		b.root = json_null();
	*out = b.root;
	b.root = NULL;

out:
	while (b.stack != NULL && b.depth > 0)
		free(b.stack[--b.depth].key);
	free(b.stack);
	json_decref(b.root);
	yaml_parser_delete(&parser);
	return rc;
}
