// Conversions between std::string and V8 strings, shared by the V8 glue files.
#pragma once

#include <v8.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace pd::js {

// Whether every byte is below 0x80. Eight bytes at a time: -O2 leaves a byte loop of unknown
// length unvectorised, and this runs over every ctx, input and trigger text handed to V8.
inline bool is_ascii(std::string_view text) {
  uint64_t high = 0;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    high |= word;
  }
  for (; i < text.size(); ++i) high |= static_cast<unsigned char>(text[i]);
  return (high & 0x8080808080808080ull) == 0;
}

// ASCII (most JSON we hand over: ctx, inputs) is copied as one-byte text, which skips V8's
// UTF-8 decoder.
inline v8::Local<v8::String> v8_string(v8::Isolate* isolate, std::string_view text) {
  if (is_ascii(text)) {
    return v8::String::NewFromOneByte(isolate, reinterpret_cast<const uint8_t*>(text.data()),
                                      v8::NewStringType::kNormal, static_cast<int>(text.size()))
        .ToLocalChecked();
  }
  return v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal,
                                 static_cast<int>(text.size()))
      .ToLocalChecked();
}

inline std::string to_std(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  if (value->IsString()) {
    // Straight into the result, instead of into Utf8Value's buffer and then copied.
    v8::Local<v8::String> text = value.As<v8::String>();
    if (text->IsOneByte()) {
      // Latin-1 inside V8 (JSON.stringify's output, nearly always): copied as it is when it is
      // ASCII, which UTF-8 writes byte for byte, skipping the encoder's per-character work.
      std::string out(static_cast<size_t>(text->Length()), '\0');
      text->WriteOneByte(isolate, reinterpret_cast<uint8_t*>(out.data()), 0,
                         static_cast<int>(out.size()), v8::String::NO_NULL_TERMINATION);
      if (is_ascii(out)) return out;
    }
    std::string out(static_cast<size_t>(text->Utf8Length(isolate)), '\0');
    text->WriteUtf8(isolate, out.data(), static_cast<int>(out.size()), nullptr,
                    v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
    return out;
  }
  v8::String::Utf8Value utf8(isolate, value);
  return *utf8 ? std::string(*utf8, static_cast<size_t>(utf8.length())) : std::string();
}

}  // namespace pd::js
