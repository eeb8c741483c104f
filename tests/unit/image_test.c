#include "harness.h"

ST_TEST(image_placeholder)
{
	return ST_TEST_SKIP;
}
