// The srun command line `master --launcher=slurm` runs.

#include "master/slurm_launcher.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace taskfarm::master {
namespace {

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(SrunWorkers, OneWorkerGroupPerNodeDialingTheMaster) {
  RemoteOptions o;
  o.nodes = 4;
  o.srun_args = {"--partition=compute", "--time=10"};
  SrunCommand c = SrunWorkers(o, "/shared/bin/worker", "tcp://head:5555",
                              LaunchKeys{"/shared/keys", "", ""});
  ASSERT_GE(c.argv.size(), 8u);
  EXPECT_EQ(c.argv[0], "srun");
  EXPECT_TRUE(Has(c.argv, "--nodes=4"));
  EXPECT_TRUE(Has(c.argv, "--ntasks-per-node=1"));
  EXPECT_TRUE(Has(c.argv, "--input=none"));  // stdin may hold the tasks
  // The user's srun arguments come before the program.
  auto bin = std::find(c.argv.begin(), c.argv.end(), "/shared/bin/worker");
  ASSERT_NE(bin, c.argv.end());
  EXPECT_LT(std::find(c.argv.begin(), c.argv.end(), "--time=10"), bin);
  EXPECT_GT(std::find(c.argv.begin(), c.argv.end(), "--connect=tcp://head:5555"), bin);
  EXPECT_TRUE(Has(c.argv, "--keys=/shared/keys"));
  EXPECT_TRUE(Has(c.argv, "--master_timeout=60000ms"));
  EXPECT_TRUE(c.env.empty());
  for (const std::string& a : c.argv) EXPECT_EQ(a.find("--procs"), std::string::npos);
}

TEST(SrunWorkers, KeysMadeForTheRunTravelInTheEnvironmentNotTheCommandLine) {
  RemoteOptions o;
  o.procs_per_node = 8;
  SrunCommand c = SrunWorkers(o, "/w", "tcp://h:1",
                              LaunchKeys{"", "MASTERPUBLIC", "WORKERSECRET"});
  EXPECT_TRUE(Has(c.argv, "--procs=8"));
  EXPECT_TRUE(Has(c.env, "TASKFARM_MASTER_KEY=MASTERPUBLIC"));
  EXPECT_TRUE(Has(c.env, "TASKFARM_WORKER_SECRET=WORKERSECRET"));
  for (const std::string& a : c.argv) {
    EXPECT_EQ(a.find("WORKERSECRET"), std::string::npos) << a;
  }
}

TEST(SrunWorkers, InsecureIsPassedOnAndNoKeys) {
  RemoteOptions o;
  o.insecure = true;
  SrunCommand c = SrunWorkers(o, "/w", "tcp://h:1", LaunchKeys{"/k", "M", "S"});
  EXPECT_TRUE(Has(c.argv, "--insecure"));
  EXPECT_FALSE(Has(c.argv, "--keys=/k"));
  EXPECT_TRUE(c.env.empty());
}

}  // namespace
}  // namespace taskfarm::master
