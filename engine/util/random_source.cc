#include "engine/util/random_source.h"

#include <openssl/rand.h>

#include <cstring>

namespace pd {

void SystemRandom::fill(uint8_t* data, size_t size) {
  if (size > 0) RAND_bytes(data, static_cast<int>(size));
}

void BufferedSystemRandom::fill(uint8_t* data, size_t size) {
  if (size > sizeof(block_)) return SystemRandom().fill(data, size);
  std::lock_guard<std::mutex> lock(mutex_);
  if (sizeof(block_) - used_ < size) {
    RAND_bytes(block_, static_cast<int>(sizeof(block_)));
    used_ = 0;
  }
  std::memcpy(data, block_ + used_, size);
  used_ += size;  // each byte is handed out once
}

void SeededRandom::fill(uint8_t* data, size_t size) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (size_t i = 0; i < size; ++i) data[i] = static_cast<uint8_t>(engine_() >> 56);
}

std::string random_uuid(RandomSource& random) {
  uint8_t bytes[16];
  random.fill(bytes, sizeof(bytes));
  return uuid_v4(bytes);
}

std::string uuid_v4(const uint8_t (&bytes)[16]) {
  // By hand rather than snprintf (or push_back per character): every execution gets an id, and
  // both were a visible share of a trivial one.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  size_t at = 0;
  for (size_t i = 0; i < 16; ++i) {
    uint8_t b = bytes[i];
    if (i == 6) b = (b & 0x0f) | 0x40;  // version 4
    if (i == 8) b = (b & 0x3f) | 0x80;  // RFC 4122 variant
    if (i == 4 || i == 6 || i == 8 || i == 10) ++at;  // leaves the '-'
    out[at++] = kHex[b >> 4];
    out[at++] = kHex[b & 0x0f];
  }
  return out;
}

}  // namespace pd
