#include "fakes/k8s/protobuf_decoder.h"

#include <gtest/gtest.h>

namespace pd::fake_k8s {
namespace {

// `kubectl create namespace demo`, as recorded in shared/research/kubectl-requests.md.
const std::string kCreateNamespace = std::string(
    "k8s\0"
    "\x0a\x0f\x0a\x02v1\x12\x09Namespace"
    "\x12\x1c"
    "\x0a\x14\x0a\x04"
    "demo"
    "\x12\x00\x1a\x00\x22\x00\x2a\x00\x32\x00\x38\x00\x42\x00"
    "\x12\x00"
    "\x1a\x02\x0a\x00"
    "\x1a\x00\x22\x00",
    4 + 2 + 15 + 2 + 28 + 4);

TEST(ProtobufDecoder, DecodesTheRecordedNamespaceBody) {
  auto decoded = decode_protobuf_object(kCreateNamespace);
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().message();
  EXPECT_EQ(
      decoded.value().dump(),
      R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"},"spec":{},"status":{}})");
}

TEST(ProtobufDecoder, DecodesSecretBytesAsBase64) {
  // Secret{metadata{name:"s"}, data{"a": bytes "b"}, type ""}
  std::string secret = std::string("\x0a\x03\x0a\x01s", 5) +
                       std::string(
                           "\x12\x06\x0a\x01"
                           "a"
                           "\x12\x01"
                           "b",
                           8) +
                       std::string("\x1a\x00", 2);
  std::string envelope = std::string("k8s\0", 4) +
                         std::string("\x0a\x0c\x0a\x02v1\x12\x06Secret", 14) + "\x12" +
                         std::string(1, static_cast<char>(secret.size())) + secret;
  auto decoded = decode_protobuf_object(envelope);
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().message();
  EXPECT_EQ(decoded.value()["data"]["a"], "Yg==");
  EXPECT_EQ(decoded.value()["metadata"]["name"], "s");
  EXPECT_FALSE(decoded.value().contains("type"));
}

TEST(ProtobufDecoder, UnknownKindsAreNamed) {
  std::string envelope = std::string("k8s\0", 4) + std::string(
                                                       "\x0a\x12\x0a\x07"
                                                       "apps/v1"
                                                       "\x12\x07"
                                                       "Unknown",
                                                       20);
  auto decoded = decode_protobuf_object(envelope);
  ASSERT_FALSE(decoded.is_ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(decoded.status().message(),
            "the fake API server cannot decode protobuf bodies of kind apps/v1/Unknown; send JSON "
            "(Content-Type: application/json) instead");
}

TEST(ProtobufDecoder, RejectsMalformedBodies) {
  EXPECT_EQ(decode_protobuf_object("{}").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(decode_protobuf_object(std::string("k8s\0\x0a\xff", 6)).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pd::fake_k8s
