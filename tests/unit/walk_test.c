#include "harness.h"

ST_TEST(walk_placeholder)
{
	return ST_TEST_SKIP;
}
