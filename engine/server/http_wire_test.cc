// HTTP/1.x parsing and reply bytes without sockets: pipelining, bytes arriving one at a time,
// chunked bodies, the limits, 100-continue, keep-alive rules and the reply's framing.
#include "engine/server/http_wire.h"

#include <gtest/gtest.h>

namespace pd::server {
namespace {

using Step = HttpRequestStream::Step;

HttpLimits small_limits() { return HttpLimits{16, 256}; }

void feed(HttpRequestStream& stream, const std::string& bytes) {
  stream.append(bytes.data(), bytes.size());
}

TEST(HttpRequestStream, PipelinedRequestsComeOneAtATimeInOrder) {
  HttpRequestStream stream(small_limits());
  feed(stream,
       "POST /run?x=1 HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
       "Content-Length: 8\r\n\r\n{\"n\": 0}"
       "GET /health HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(stream.next(), Step::kRequest);
  EXPECT_EQ(stream.request().method, "POST");
  EXPECT_EQ(stream.request().path, "/run");
  EXPECT_EQ(stream.request().body, "{\"n\": 0}");
  EXPECT_EQ(stream.request().header("content-type"), "application/json");
  EXPECT_TRUE(stream.keep_alive());
  EXPECT_GT(stream.buffered(), 0u);  // the second request waits its turn
  ASSERT_EQ(stream.next(), Step::kRequest);
  EXPECT_EQ(stream.request().method, "GET");
  EXPECT_EQ(stream.request().path, "/health");
  EXPECT_EQ(stream.request().body, "");
  EXPECT_EQ(stream.next(), Step::kNeedMore);
  EXPECT_EQ(stream.buffered(), 0u);
}

TEST(HttpRequestStream, BytesArrivingOneAtATimeMakeTheSameRequest) {
  HttpRequestStream stream(small_limits());
  std::string text =
      "POST /hook HTTP/1.1\r\nX-Hub-Signature-256: sha256=ab\r\nContent-Length: 3\r\n\r\nabc";
  EXPECT_FALSE(stream.mid_request());
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    feed(stream, text.substr(i, 1));
    ASSERT_EQ(stream.next(), Step::kNeedMore) << "after byte " << i;
    ASSERT_TRUE(stream.mid_request()) << "after byte " << i;
  }
  feed(stream, text.substr(text.size() - 1));
  ASSERT_EQ(stream.next(), Step::kRequest);
  EXPECT_EQ(stream.request().header("X-Hub-Signature-256"), "sha256=ab");
  EXPECT_EQ(stream.request().body, "abc");
  EXPECT_FALSE(stream.mid_request());
}

TEST(HttpRequestStream, ChunkedBodiesAreJoinedAndLimited) {
  HttpRequestStream stream(small_limits());
  feed(stream,
       "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  ASSERT_EQ(stream.next(), Step::kRequest);
  EXPECT_EQ(stream.request().body, "abcde");

  HttpRequestStream big(small_limits());
  feed(big, "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n11\r\n" + std::string(17, 'x') +
                "\r\n0\r\n\r\n");
  ASSERT_EQ(big.next(), Step::kError);
  EXPECT_EQ(big.error_reply().status, 413);
  EXPECT_EQ(big.error_reply().body,
            "{\n  \"error\": \"the request body is larger than the limit of 16 bytes\"\n}\n");
  EXPECT_EQ(big.next(), Step::kError);  // and stays failed
}

TEST(HttpRequestStream, AContentLengthOverTheLimitFailsBeforeTheBodyArrives) {
  HttpRequestStream stream(small_limits());
  feed(stream, "POST /a HTTP/1.1\r\nContent-Length: 17\r\n\r\n");
  ASSERT_EQ(stream.next(), Step::kError);
  EXPECT_EQ(stream.error_reply().status, 413);
}

TEST(HttpRequestStream, HeadersOverTheLimitAndMalformedRequestsGet400) {
  HttpRequestStream huge(small_limits());
  feed(huge, "GET / HTTP/1.1\r\nX-Huge: " + std::string(300, 'h') + "\r\n\r\n");
  ASSERT_EQ(huge.next(), Step::kError);
  EXPECT_EQ(huge.error_reply().status, 400);
  EXPECT_NE(huge.error_reply().body.find("larger than the limit of 256 bytes"), std::string::npos);

  HttpRequestStream junk(small_limits());
  feed(junk, "HELLO THERE\r\n\r\n");
  ASSERT_EQ(junk.next(), Step::kError);
  EXPECT_EQ(junk.error_reply().status, 400);
  EXPECT_NE(junk.error_reply().body.find("malformed HTTP request"), std::string::npos);
  EXPECT_EQ(junk.error_reply().content_type, "application/json");
}

TEST(HttpRequestStream, ExpectContinueIsReportedOnceBeforeTheBody) {
  HttpRequestStream stream(small_limits());
  feed(stream, "POST /a HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  EXPECT_EQ(stream.next(), Step::kContinue);
  EXPECT_EQ(stream.next(), Step::kNeedMore);
  feed(stream, "ok");
  ASSERT_EQ(stream.next(), Step::kRequest);
  EXPECT_EQ(stream.request().body, "ok");
}

TEST(HttpRequestStream, KeepAliveFollowsTheVersionAndConnectionHeader) {
  HttpRequestStream old(small_limits());
  feed(old, "GET / HTTP/1.0\r\n\r\n");
  ASSERT_EQ(old.next(), Step::kRequest);
  EXPECT_FALSE(old.keep_alive());
  EXPECT_EQ(old.http_minor(), 0);

  HttpRequestStream old_kept(small_limits());
  feed(old_kept, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_EQ(old_kept.next(), Step::kRequest);
  EXPECT_TRUE(old_kept.keep_alive());

  HttpRequestStream closing(small_limits());
  feed(closing, "HEAD /x HTTP/1.1\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(closing.next(), Step::kRequest);
  EXPECT_FALSE(closing.keep_alive());
  EXPECT_TRUE(closing.is_head());
}

TEST(HttpRequestStream, AnAbsoluteFormTargetGivesItsPath) {
  HttpRequestStream stream(small_limits());
  feed(stream, "GET http://example.test:8080/ready?full=1 HTTP/1.1\r\n\r\n");
  ASSERT_EQ(stream.next(), Step::kRequest);
  EXPECT_EQ(stream.request().path, "/ready");
}

TEST(AppendHttpReply, WritesStatusHeadersAndBody) {
  std::string out;
  append_http_reply(out, ServerReply{201, "hi", "text/plain"},
                    ReplyFraming{1, true, false, "Thu, 03 Dec 2026 14:00:00 GMT"});
  EXPECT_EQ(out,
            "HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
            "Date: Thu, 03 Dec 2026 14:00:00 GMT\r\n\r\nhi");
}

TEST(AppendHttpReply, HeadLeavesOutTheBodyAndClosingSaysSo) {
  std::string out;
  append_http_reply(out, ServerReply{404, "{}"}, ReplyFraming{0, false, true, ""});
  EXPECT_EQ(out,
            "HTTP/1.0 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
            "Connection: close\r\n\r\n");
  out.clear();
  append_http_reply(out, ServerReply{200, ""}, ReplyFraming{0, true, false, ""});
  EXPECT_NE(out.find("\r\nConnection: keep-alive\r\n"), std::string::npos);
  out.clear();
  append_http_reply(out, ServerReply{299, ""}, ReplyFraming{});
  EXPECT_EQ(out.rfind("HTTP/1.1 299 Unknown\r\n", 0), 0u);
}

}  // namespace
}  // namespace pd::server
