#include "engine/server/http_wire.h"

#include <nlohmann/json.hpp>

#include "engine/util/text.h"

namespace pd::server {
namespace {

const std::string* find_header(const std::vector<std::pair<std::string, std::string>>& headers,
                               std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (equals_ignoring_case(key, name)) return &value;
  }
  return nullptr;
}

HttpRequestStream& stream_of(http_parser* parser) {
  return *static_cast<HttpRequestStream*>(parser->data);
}

}  // namespace

std::string ServerRequest::header(std::string_view name) const {
  const std::string* value = find_header(headers, name);
  return value ? *value : "";
}

bool ServerRequest::has_header(std::string_view name) const {
  return find_header(headers, name) != nullptr;
}

HttpRequestStream::HttpRequestStream(HttpLimits limits) : limits_(limits) {
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
  http_parser_settings_init(&settings_);
  settings_.on_message_begin = &HttpRequestStream::on_message_begin;
  settings_.on_url = &HttpRequestStream::on_url;
  settings_.on_header_field = &HttpRequestStream::on_header_field;
  settings_.on_header_value = &HttpRequestStream::on_header_value;
  settings_.on_headers_complete = &HttpRequestStream::on_headers_complete;
  settings_.on_body = &HttpRequestStream::on_body;
  settings_.on_message_complete = &HttpRequestStream::on_message_complete;
}

void HttpRequestStream::append(const char* data, size_t size) {
  if (parsed_ == buffer_.size()) {
    buffer_.clear();
    parsed_ = 0;
  } else if (parsed_ > (64u << 10)) {
    buffer_.erase(0, parsed_);
    parsed_ = 0;
  }
  buffer_.append(data, size);
}

HttpRequestStream::Step HttpRequestStream::next() {
  if (failed_) return Step::kError;
  complete_ = false;
  if (parsed_ < buffer_.size()) {
    // A request's completion pauses the parser, so that what follows it waits for its turn.
    http_parser_pause(&parser_, 0);
    parsed_ += http_parser_execute(&parser_, &settings_, buffer_.data() + parsed_,
                                   buffer_.size() - parsed_);
    if (failed_) return Step::kError;
    http_errno problem = HTTP_PARSER_ERRNO(&parser_);
    if (problem != HPE_OK && problem != HPE_PAUSED) {
      fail(400, std::string("malformed HTTP request: ") + http_errno_description(problem));
      return Step::kError;
    }
  }
  if (complete_) {
    continue_owed_ = false;  // the body came without waiting for it
    return Step::kRequest;
  }
  if (continue_owed_) {
    continue_owed_ = false;
    return Step::kContinue;
  }
  return Step::kNeedMore;
}

void HttpRequestStream::fail(int status, const std::string& why) {
  failed_ = true;
  error_.status = status;
  error_.body = nlohmann::json{{"error", why}}.dump(2) + "\n";
  error_.content_type = "application/json";
}

int HttpRequestStream::count_header_bytes(size_t length) {
  header_bytes_ += length;
  if (header_bytes_ <= limits_.max_header_bytes) return 0;
  fail(400, "the request line and headers are larger than the limit of " +
                std::to_string(limits_.max_header_bytes) + " bytes");
  return -1;
}

int HttpRequestStream::on_message_begin(http_parser* parser) {
  HttpRequestStream& self = stream_of(parser);
  self.in_message_ = true;
  self.request_ = ServerRequest();
  self.url_.clear();
  self.in_value_ = false;
  self.header_bytes_ = 0;
  return 0;
}

int HttpRequestStream::on_url(http_parser* parser, const char* at, size_t length) {
  HttpRequestStream& self = stream_of(parser);
  self.url_.append(at, length);
  return self.count_header_bytes(length);
}

int HttpRequestStream::on_header_field(http_parser* parser, const char* at, size_t length) {
  HttpRequestStream& self = stream_of(parser);
  // A field may arrive in pieces: a new one starts after a value.
  if (self.in_value_ || self.request_.headers.empty()) self.request_.headers.emplace_back();
  self.in_value_ = false;
  self.request_.headers.back().first.append(at, length);
  return self.count_header_bytes(length);
}

int HttpRequestStream::on_header_value(http_parser* parser, const char* at, size_t length) {
  HttpRequestStream& self = stream_of(parser);
  if (self.request_.headers.empty()) self.request_.headers.emplace_back();
  self.in_value_ = true;
  self.request_.headers.back().second.append(at, length);
  return self.count_header_bytes(length);
}

int HttpRequestStream::on_headers_complete(http_parser* parser) {
  HttpRequestStream& self = stream_of(parser);
  auto method = static_cast<http_method>(parser->method);
  self.request_.method = http_method_str(method);
  http_parser_url url;
  http_parser_url_init(&url);
  if (http_parser_parse_url(self.url_.data(), self.url_.size(), method == HTTP_CONNECT, &url) !=
      0) {
    self.fail(400, "malformed HTTP request: the request target \"" + self.url_ + "\" is not a URL");
    return -1;
  }
  self.request_.path =
      (url.field_set & (1 << UF_PATH))
          ? self.url_.substr(url.field_data[UF_PATH].off, url.field_data[UF_PATH].len)
          : "/";
  bool chunked = (parser->flags & F_CHUNKED) != 0;
  bool has_length = (parser->flags & F_CONTENTLENGTH) != 0;
  if (has_length && parser->content_length > self.limits_.max_body_bytes) {
    self.fail(413, "the request body is larger than the limit of " +
                       std::to_string(self.limits_.max_body_bytes) + " bytes");
    return -1;
  }
  const std::string* expect = find_header(self.request_.headers, "Expect");
  self.continue_owed_ = expect && equals_ignoring_case(*expect, "100-continue") &&
                        parser->http_minor >= 1 &&
                        (chunked || (has_length && parser->content_length > 0));
  return 0;
}

int HttpRequestStream::on_body(http_parser* parser, const char* at, size_t length) {
  HttpRequestStream& self = stream_of(parser);
  if (self.request_.body.size() + length > self.limits_.max_body_bytes) {  // chunked
    self.fail(413, "the request body is larger than the limit of " +
                       std::to_string(self.limits_.max_body_bytes) + " bytes");
    return -1;
  }
  self.request_.body.append(at, length);
  return 0;
}

int HttpRequestStream::on_message_complete(http_parser* parser) {
  HttpRequestStream& self = stream_of(parser);
  self.complete_ = true;
  self.in_message_ = false;
  self.keep_alive_ = http_should_keep_alive(parser) != 0 && !parser->upgrade;
  self.http_minor_ = parser->http_major == 1 ? parser->http_minor : 1;
  http_parser_pause(parser, 1);
  return 0;
}

void append_http_reply(std::string& out, const ServerReply& reply, const ReplyFraming& framing) {
  const char* reason = http_status_str(static_cast<http_status>(reply.status));
  out += framing.http_minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(reply.status);
  out += ' ';
  out += reason[0] == '<' ? "Unknown" : reason;  // "<unknown>" for codes it does not name
  out += "\r\nContent-Type: ";
  out += reply.content_type;
  out += "\r\nContent-Length: ";
  out += std::to_string(reply.body.size());
  if (!framing.date.empty()) {
    out += "\r\nDate: ";
    out += framing.date;
  }
  if (!framing.keep_alive) {
    out += "\r\nConnection: close";
  } else if (framing.http_minor == 0) {
    out += "\r\nConnection: keep-alive";
  }
  out += "\r\n\r\n";
  if (!framing.head) out += reply.body;
}

}  // namespace pd::server
