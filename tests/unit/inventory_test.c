#include "harness.h"

ST_TEST(inventory_placeholder)
{
	return ST_TEST_SKIP;
}
