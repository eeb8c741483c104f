#include "harness.h"

ST_TEST(version_placeholder)
{
	return ST_TEST_SKIP;
}
