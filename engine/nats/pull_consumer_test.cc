// Continuous pulling against a real `nats-server -js` on a loopback port: each message is handed
// on as it arrives, never more than were asked for, and the room of requests that end without
// their messages is given back: counted when the server says how many did not come, and once
// nothing has come for a request's lifetime when it does not (or its word was lost).
#include "engine/nats/pull_consumer.h"

#include <gtest/gtest.h>
#include <nats/nats.h>

#include "tests/nats_server_process.h"

namespace pd::nats {
namespace {

using Clock = std::chrono::steady_clock;

class PullConsumerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.start()) << server_.log();
    ConnectSettings settings;
    settings.urls = {server_.url()};
    auto client = NatsClient::connect(settings);
    ASSERT_TRUE(client.is_ok()) << client.status().message();
    client_ = std::move(client).value();
    ASSERT_TRUE(client_->wait_connected(std::chrono::seconds(5)));
    auto consumer = PullConsumer::open(
        *client_, {"ORDERS", "orders", "orders.new", std::chrono::seconds(30), 5, "all",
                   std::nullopt, 1000});
    ASSERT_TRUE(consumer.is_ok()) << consumer.status().message();
    consumer_ = std::move(consumer).value();
  }

  void publish(int count) {
    for (int i = 0; i < count; ++i) {
      Message message{"orders.new", std::to_string(i), {}, ""};
      ASSERT_TRUE(client_->publish_durably(message, "", std::chrono::seconds(5)).is_ok());
    }
  }

  // Pulls until `done` or `limit`: the messages that arrived and the room written off.
  struct Tally {
    int delivered = 0;
    int written_off = 0;
    std::vector<Status> problems;
  };
  Tally pull_until(const std::function<bool(const Tally&)>& done, std::chrono::seconds limit) {
    Tally tally;
    auto deadline = Clock::now() + limit;
    while (!done(tally) && Clock::now() < deadline) {
      PullConsumer::Pulled pulled = consumer_->next(std::chrono::milliseconds(50));
      tally.written_off += pulled.written_off;
      if (!pulled.problem.is_ok()) tally.problems.push_back(pulled.problem);
      if (pulled.delivery) {
        EXPECT_TRUE(pulled.was_requested);
        EXPECT_TRUE(pulled.delivery->ack().is_ok());
        ++tally.delivered;
      }
    }
    return tally;
  }

  pd::testing::NatsServerProcess server_;
  std::unique_ptr<NatsClient> client_;
  std::unique_ptr<PullConsumer> consumer_;
};

TEST_F(PullConsumerTest, MessagesArriveAsRequestedAndAnExpiredRequestGivesBackItsRoom) {
  publish(3);
  ASSERT_TRUE(consumer_->request(10, std::chrono::milliseconds(400)).is_ok());
  EXPECT_EQ(consumer_->requested(), 10);
  Tally arrived = pull_until([](const Tally& t) { return t.delivered == 3; },
                             std::chrono::seconds(5));
  EXPECT_EQ(arrived.delivered, 3);
  EXPECT_EQ(consumer_->requested(), 7);  // the other 7 may still come until the request expires

  // The server ends the request at 400 ms and says 7 did not come.
  auto started = Clock::now();
  Tally expired = pull_until([](const Tally& t) { return t.written_off > 0; },
                             std::chrono::seconds(5));
  EXPECT_EQ(expired.written_off, 7);
  EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(1000)) << "not the server's word";
  EXPECT_TRUE(expired.problems.empty());
  EXPECT_EQ(consumer_->requested(), 0);

  // Nothing is asked for now: a new message waits in the stream.
  publish(1);
  Tally none = pull_until([](const Tally&) { return false; }, std::chrono::seconds(1));
  EXPECT_EQ(none.delivered, 0);
  ASSERT_TRUE(consumer_->request(1, std::chrono::milliseconds(400)).is_ok());
  Tally one = pull_until([](const Tally& t) { return t.delivered == 1; }, std::chrono::seconds(5));
  EXPECT_EQ(one.delivered, 1);
}

// Under load next() never waits out its time, so recount() never runs, and a request served in
// full gets no status: requests past their lifetime are forgotten as new ones are sent.
TEST_F(PullConsumerTest, RequestsAreForgottenOnceTheirLifetimeIsOverThoughRecountNeverRuns) {
  auto started = Clock::now();
  size_t most = 0;
  while (Clock::now() - started < std::chrono::milliseconds(2500)) {
    ASSERT_TRUE(consumer_->request(1, std::chrono::milliseconds(100)).is_ok());
    most = std::max(most, consumer_->requests_tracked());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // A lifetime is 100 ms + 1 s: about 22 requests at one every 50 ms; 2.5 s sent about 45.
  EXPECT_LE(most, 30u);
}

TEST_F(PullConsumerTest, ARequestEndedWithoutACountKeepsItsRoomUntilNothingCameForALifetime) {
  ASSERT_TRUE(consumer_->request(5, std::chrono::milliseconds(300)).is_ok());
  // Deleting the consumer ends its requests with "409 Consumer Deleted", which does not say how
  // many of their messages were still to come.
  jsErrCode error = static_cast<jsErrCode>(0);
  ASSERT_EQ(js_DeleteConsumer(client_->jetstream(), "ORDERS", "orders", nullptr, &error), NATS_OK);
  auto sent = Clock::now();
  Tally ended = pull_until([](const Tally& t) { return !t.problems.empty(); },
                           std::chrono::seconds(5));
  ASSERT_EQ(ended.problems.size(), 1u);
  EXPECT_NE(ended.problems[0].message().find("409 Consumer Deleted"), std::string::npos)
      << ended.problems[0].message();
  EXPECT_EQ(consumer_->requested(), 5);  // kept: asking for fewer is safe, for more is not

  // The consumer comes back and requests keep going out, one every 200 ms, each expiring with
  // its 408. Once nothing has come for a request's lifetime (300 ms + 1 s), the count is set
  // from the requests sent within it, though new ones never stopped.
  auto again = PullConsumer::open(*client_, {"ORDERS", "orders", "orders.new",
                                             std::chrono::seconds(30), 5, "all", std::nullopt,
                                             1000});
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  int written_off = 0;
  while (Clock::now() - sent < std::chrono::milliseconds(2500)) {
    ASSERT_TRUE(consumer_->request(1, std::chrono::milliseconds(300)).is_ok());
    written_off += pull_until([](const Tally&) { return false; }, std::chrono::seconds(0)).written_off;
    auto pause = Clock::now() + std::chrono::milliseconds(200);
    while (Clock::now() < pause) written_off += consumer_->next(std::chrono::milliseconds(20)).written_off;
  }
  EXPECT_LE(consumer_->requested(), 2) << "the 5 were never written off";
  EXPECT_GE(written_off, 5);
}

TEST_F(PullConsumerTest, ARequestWhoseEndWasLostInARestartIsWrittenOffAfterItsLifetime) {
  ASSERT_TRUE(consumer_->request(5, std::chrono::milliseconds(300)).is_ok());
  // The server goes away with the request waiting: its 408 never comes.
  server_.stop(9);
  ASSERT_TRUE(server_.start()) << server_.log();
  ASSERT_TRUE(client_->wait_connected(std::chrono::seconds(10)));
  Tally reset = pull_until([](const Tally& t) { return t.written_off > 0; },
                           std::chrono::seconds(10));
  EXPECT_EQ(reset.written_off, 5);
  EXPECT_EQ(consumer_->requested(), 0);

  // And pulling goes on: a new request brings a new message.
  publish(1);
  ASSERT_TRUE(consumer_->request(1, std::chrono::milliseconds(2000)).is_ok());
  Tally one = pull_until([](const Tally& t) { return t.delivered == 1; }, std::chrono::seconds(5));
  EXPECT_EQ(one.delivered, 1);
}

// A durable consumer made elsewhere with max_waiting 1 (the engine reuses it as it is): the
// server turns down a second waiting request at once, and its room comes back with the refusal,
// not a request lifetime later.
TEST_F(PullConsumerTest, ARequestRefusedForMaxWaitingGivesBackItsRoomAtOnce) {
  jsConsumerConfig config;
  jsConsumerConfig_Init(&config);
  config.Durable = "narrow";
  config.AckPolicy = js_AckExplicit;
  config.FilterSubject = "orders.new";
  config.MaxWaiting = 1;
  jsConsumerInfo* info = nullptr;
  jsErrCode js_error = static_cast<jsErrCode>(0);
  ASSERT_EQ(js_AddConsumer(&info, client_->jetstream(), "ORDERS", &config, nullptr, &js_error),
            NATS_OK)
      << js_error;
  jsConsumerInfo_Destroy(info);
  auto narrow = PullConsumer::open(*client_, {"ORDERS", "narrow", "orders.new",
                                              std::chrono::seconds(30), 5, "all", std::nullopt,
                                              1000});
  ASSERT_TRUE(narrow.is_ok()) << narrow.status().message();
  consumer_ = std::move(narrow).value();

  ASSERT_TRUE(consumer_->request(5, std::chrono::seconds(5)).is_ok());
  ASSERT_TRUE(consumer_->request(7, std::chrono::seconds(5)).is_ok());
  EXPECT_EQ(consumer_->requested(), 12);
  auto started = Clock::now();
  Tally refused = pull_until([](const Tally& t) { return !t.problems.empty(); },
                             std::chrono::seconds(3));
  ASSERT_EQ(refused.problems.size(), 1u);
  EXPECT_NE(refused.problems[0].message().find("409 Exceeded MaxWaiting (more pull requests"),
            std::string::npos)
      << refused.problems[0].message();
  EXPECT_EQ(refused.written_off, 7);
  EXPECT_EQ(consumer_->requested(), 5);  // the first still waits
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(1));

  // The waiting request is still served.
  publish(2);
  Tally served =
      pull_until([](const Tally& t) { return t.delivered == 2; }, std::chrono::seconds(5));
  EXPECT_EQ(served.delivered, 2);
  EXPECT_EQ(consumer_->requested(), 3);
}

}  // namespace
}  // namespace pd::nats
