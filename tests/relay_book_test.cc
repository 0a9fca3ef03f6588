// Tests of master::RelayBook: sequence numbers, holding until acked,
// resending after a logger restart, Full/Empty, and acks that lie.

#include "master/relay_book.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "proto/transport.h"

namespace taskfarm::master {
namespace {

std::vector<uint64_t> Seqs(const std::deque<RelayBook::Entry>& entries) {
  std::vector<uint64_t> seqs;
  for (const RelayBook::Entry& e : entries) seqs.push_back(e.seq);
  return seqs;
}

TEST(RelayBook, HoldsRecordsUntilTheLoggerAttaches) {
  RelayBook book(1 << 20);
  EXPECT_EQ(book.Push(proto::Frame("a"), 1), nullptr) << "no logger yet";
  EXPECT_EQ(book.Push(proto::Frame("b"), 2), nullptr);
  EXPECT_EQ(Seqs(book.Attach("L1")), (std::vector<uint64_t>{1, 2}));
  const RelayBook::Entry* e = book.Push(proto::Frame("c"), 3);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->seq, 3u);
  EXPECT_EQ(proto::View(e->body), "c");
  EXPECT_EQ(book.records_pushed(), 6u);
}

TEST(RelayBook, AcksFreeRecordsAndCountThem) {
  RelayBook book(1 << 20);
  book.Attach("L1");
  for (const char* f : {"a", "b", "c"}) book.Push(proto::Frame(f), 10);
  EXPECT_TRUE(book.OnAck(2));
  EXPECT_EQ(book.records_acked(), 20u);
  EXPECT_EQ(book.unacked_frames(), 1u);
  EXPECT_TRUE(book.OnAck(1)) << "an old ack is harmless";
  EXPECT_EQ(book.records_acked(), 20u);
  EXPECT_TRUE(book.OnAck(3));
  EXPECT_TRUE(book.Empty());
}

TEST(RelayBook, ANewLoggerGetsEverythingUnacknowledgedAgain) {
  RelayBook book(1 << 20);
  book.Attach("L1");
  for (const char* f : {"a", "b", "c"}) book.Push(proto::Frame(f), 1);
  EXPECT_TRUE(book.OnAck(1));
  book.Detach();
  EXPECT_EQ(book.Push(proto::Frame("d"), 1), nullptr);
  EXPECT_EQ(Seqs(book.Attach("L2")), (std::vector<uint64_t>{2, 3, 4}));
  EXPECT_EQ(*book.logger(), "L2");
}

TEST(RelayBook, AnAckForWhatWasNeverSentIsRefused) {
  RelayBook book(1 << 20);
  book.Attach("L1");
  book.Push(proto::Frame("a"), 1);
  EXPECT_FALSE(book.OnAck(2));
  EXPECT_FALSE(book.Empty()) << "nothing acknowledged that was not written";
  EXPECT_EQ(book.records_acked(), 0u);
}

TEST(RelayBook, FullOnceOverTheLimit) {
  RelayBook book(4);
  book.Push(proto::Frame("abcd"), 1);
  EXPECT_FALSE(book.Full());
  book.Push(proto::Frame("e"), 1);
  EXPECT_TRUE(book.Full());
  book.Attach("L1");
  EXPECT_TRUE(book.OnAck(1));
  EXPECT_FALSE(book.Full());
}

}  // namespace
}  // namespace taskfarm::master
