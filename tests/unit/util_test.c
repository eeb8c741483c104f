#include "harness.h"

ST_TEST(util_placeholder)
{
	return ST_TEST_SKIP;
}
