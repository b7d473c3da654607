#include "engine/util/random_source.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>

namespace pd {

void SystemRandom::fill(uint8_t* data, size_t size) {
  if (size > 0) RAND_bytes(data, static_cast<int>(size));
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
  uint8_t b[16];
  std::copy(bytes, bytes + 16, b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  char out[37];
  std::snprintf(out, sizeof(out),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

}  // namespace pd
