// Static linking of the three binaries (third_party/static_link/BUILD,
// third_party/zmq.BUILD): each process start maps only glibc's shared
// objects (the master also CivetWeb, its dashboard's HTTP server, which
// Debian ships only as a shared library: it adds one small mapping to the
// master's start, none to a worker's or the logger's), and libzmq's GSSAPI mechanism is linked against functions that
// always fail (third_party/static_link/gssapi_unavailable.cc), not against
// Kerberos.

#include <stdio.h>
#include <stdlib.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/testutil/farm.h"

namespace taskfarm {
namespace {

// The shared objects the dynamic loader maps for `binary`, as ldd lists
// them: LD_TRACE_LOADED_OBJECTS makes it list them and exit before main.
std::vector<std::string> SharedObjects(const std::string& binary) {
  std::vector<std::string> names;
  FILE* p = popen(absl::StrCat("LD_TRACE_LOADED_OBJECTS=1 ", binary).c_str(), "r");
  if (p == nullptr) return names;
  char line[4096];
  while (fgets(line, sizeof(line), p) != nullptr) {
    std::vector<std::string> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t\n"), absl::SkipEmpty());
    if (!words.empty()) names.push_back(words[0]);
  }
  pclose(p);
  return names;
}

bool IsGlibc(const std::string& name) {
  for (const char* allowed : {"linux-vdso.so", "libc.so", "libm.so", "ld-linux",
                              "libdl.so", "libpthread.so", "librt.so"}) {
    if (absl::StrContains(name, allowed)) return true;
  }
  return false;
}

TEST(StaticLink, BinariesMapOnlyGlibc) {
  for (const char* binary : {"master/master", "worker/worker", "logger/logger"}) {
    SCOPED_TRACE(binary);
    const bool is_master = absl::EndsWith(binary, "master");
    std::vector<std::string> objects = SharedObjects(testing::Runfile(binary));
    ASSERT_FALSE(objects.empty()) << "the loader listed nothing";
    for (const std::string& name : objects) {
      if (absl::StrContains(name, "libasan.so") || absl::StrContains(name, "libubsan.so")) {
        GTEST_SKIP() << "a sanitizer build: its runtime maps libstdc++ and libgcc_s";
      }
    }
    for (const std::string& name : objects) {
      if (is_master && absl::StrContains(name, "libcivetweb.so")) continue;
      EXPECT_TRUE(IsGlibc(name))
          << name << " is a shared library: every process start maps it";
    }
  }
}

TEST(StaticLink, NoKerberosOrLibzmqInThisProcess) {
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    for (const char* lib : {"libzmq.so", "libgssapi_krb5", "libkrb5", "libsodium.so"}) {
      EXPECT_FALSE(absl::StrContains(line, lib)) << line;
    }
  }
}

}  // namespace
}  // namespace taskfarm
