#include "engine/server/message_input.h"

#include <gtest/gtest.h>

namespace pd::server {
namespace {

nats::Message order_message() {
  return {"orders.eu",
          "{\"id\": 7}",
          {{"Content-Type", "application/json"}, {"X-Tenant", "acme"}, {"X-Tenant", "other"}},
          "_INBOX.reply"};
}

TEST(QueueTriggerJson, CoreMessagesGiveTheSubjectHeadersAndReplySubjectInOrder) {
  EXPECT_EQ(queue_trigger_json("incoming", order_message(), nullptr),
            R"({"type":"queue","name":"incoming","subject":"orders.eu",)"
            R"("headers":{"Content-Type":"application/json","X-Tenant":"acme"},)"
            R"("replyTo":"_INBOX.reply"})");
}

TEST(QueueTriggerJson, JetStreamMessagesGiveTheDeliveryInsteadOfTheReplySubject) {
  nats::DeliveryInfo delivery{"ORDERS", "order-worker", 42, 40, 2, 3, 1'780'000'000'123'000'000};
  nlohmann::json trigger =
      nlohmann::json::parse(queue_trigger_json("incoming", order_message(), &delivery));
  EXPECT_FALSE(trigger.contains("replyTo"));
  EXPECT_EQ(trigger["delivery"], nlohmann::json::parse(R"({"stream": "ORDERS",
      "consumer": "order-worker", "streamSequence": 42, "consumerSequence": 40, "attempt": 2,
      "pending": 3, "timestamp": "2026-05-28T20:26:40Z"})"));
}

TEST(QueueTriggerJson, EscapesTextAndReplacesBytesThatAreNotUtf8) {
  nats::Message message{"odd.\xff", "", {{"X-Quote", "say \"hi\"\n"}, {"X-Bad", "a\xc3"}}, ""};
  EXPECT_EQ(queue_trigger_json("t", message, nullptr),
            R"({"type":"queue","name":"t","subject":"odd.\ufffd",)"
            R"("headers":{"X-Quote":"say \"hi\"\n","X-Bad":"a\ufffd"}})");
}

nats::Message typed(const std::string& content_type, const std::string& data) {
  return {"orders.eu", data, {{"content-TYPE", content_type}}, ""};
}

// Media types and header names compare without regard to case; parameters and the blanks
// around the type do not count.
TEST(MessageInput, ContentTypeIsReadWithoutRegardToCaseParametersOrBlanks) {
  EXPECT_EQ(json_payload_text(typed(" Application/JSON ; charset=utf-8", R"({"a": 1})")),
            R"({"a": 1})");
  EXPECT_EQ(json_payload_text(typed("application/cloudevents+JSON", "[1]")), "[1]");
  EXPECT_EQ(json_payload_text(typed("application/json", "{not json")), "");  // parsed instead
  EXPECT_EQ(json_payload_text(typed("text/json", "[1]")), "");
  EXPECT_EQ(json_payload_text(typed("json", "[1]")), "");

  EXPECT_EQ(message_input(typed("TEXT/Plain", "hi"), "t").value(), nlohmann::json("hi"));
  EXPECT_TRUE(message_input(typed("application/octet-stream", "hi"), "t").value().is_binary());
  Result<nlohmann::json> bad = message_input(typed("Application/Json", "{not json"), "t");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("not valid JSON (Content-Type Application/Json)"),
            std::string::npos)
      << bad.status().message();
}

}  // namespace
}  // namespace pd::server
