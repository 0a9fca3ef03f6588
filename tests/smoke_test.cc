#include <gmpxx.h>
#include <msgpack.hpp>
#include <zmq.hpp>
#include "absl/status/status.h"
#include "gtest/gtest.h"
TEST(Smoke, Links) {
  zmq::context_t ctx;
  mpz_class f;
  mpz_fib_ui(f.get_mpz_t(), 90);
  EXPECT_EQ(f.get_str(), "2880067194370816120");
  EXPECT_TRUE(absl::OkStatus().ok());
}
