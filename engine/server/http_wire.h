// HTTP/1.x on the wire, without sockets: the requests of one connection parsed from its bytes
// as they arrive (Debian's http-parser: chunked bodies, pipelining, keep-alive rules), with the
// server's limits applied, and a reply written as bytes. EventHttpServer moves the bytes.
#pragma once

#include <http_parser.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pd::server {

struct ServerRequest {
  std::string method;                                        // "GET", "POST", …
  std::string path;                                          // without the query string
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  std::string body;

  // The first value of a header (names compare case-insensitively); "" when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

struct ServerReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

struct HttpLimits {
  size_t max_body_bytes = 4u << 20;     // more: 413
  size_t max_header_bytes = 64u << 10;  // request line and headers; more: 400
};

// One connection's requests, one at a time: append() what was read, then next() until it asks
// for more. A request stays the current one (its framing decides the reply's) until the next
// next(); bytes after it (pipelined requests) wait in the buffer.
class HttpRequestStream {
 public:
  explicit HttpRequestStream(HttpLimits limits);
  HttpRequestStream(const HttpRequestStream&) = delete;
  HttpRequestStream& operator=(const HttpRequestStream&) = delete;

  enum class Step {
    kNeedMore,  // nothing complete yet
    kContinue,  // the client waits for "100 Continue" before sending the body
    kRequest,   // request() is complete
    kError,     // error_reply() says why; the connection cannot go on
  };
  void append(const char* data, size_t size);
  Step next();

  ServerRequest& request() { return request_; }
  // The current request asked for the connection to stay open (HTTP/1.1 default, or 1.0 with
  // keep-alive) and nothing in it stops that (an upgrade).
  bool keep_alive() const { return keep_alive_; }
  bool is_head() const { return request_.method == "HEAD"; }
  int http_minor() const { return http_minor_; }
  // After kError: 400 (malformed, headers too large) or 413 (body too large), JSON body.
  const ServerReply& error_reply() const { return error_; }
  // Bytes read and not yet parsed (pipelined requests waiting their turn).
  size_t buffered() const { return buffer_.size() - parsed_; }
  // Part of a request has arrived, and not all of it.
  bool mid_request() const { return in_message_ || buffered() > 0; }

 private:
  static int on_message_begin(http_parser* parser);
  static int on_url(http_parser* parser, const char* at, size_t length);
  static int on_header_field(http_parser* parser, const char* at, size_t length);
  static int on_header_value(http_parser* parser, const char* at, size_t length);
  static int on_headers_complete(http_parser* parser);
  static int on_body(http_parser* parser, const char* at, size_t length);
  static int on_message_complete(http_parser* parser);
  int count_header_bytes(size_t length);
  void fail(int status, const std::string& why);

  HttpLimits limits_;
  http_parser parser_;
  http_parser_settings settings_;
  std::string buffer_;
  size_t parsed_ = 0;
  ServerRequest request_;
  std::string url_;
  bool in_value_ = false;
  size_t header_bytes_ = 0;
  bool complete_ = false;
  bool in_message_ = false;
  bool continue_owed_ = false;
  bool keep_alive_ = true;
  int http_minor_ = 1;
  bool failed_ = false;
  ServerReply error_;
};

// The reply as bytes: status line, Content-Type, Content-Length, Date, Connection when the
// connection closes (or stays open for HTTP/1.0), then the body (left out for HEAD).
struct ReplyFraming {
  int http_minor = 1;
  bool keep_alive = true;
  bool head = false;
  std::string_view date;  // an IMF-fixdate, e.g. "Thu, 03 Dec 2026 14:00:00 GMT"
};
void append_http_reply(std::string& out, const ServerReply& reply, const ReplyFraming& framing);

}  // namespace pd::server
