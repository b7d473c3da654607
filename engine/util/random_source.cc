#include "engine/util/random_source.h"

#include <openssl/rand.h>

namespace pd {

void SystemRandom::fill(uint8_t* data, size_t size) {
  if (size > 0) RAND_bytes(data, static_cast<int>(size));
}

void SeededRandom::fill(uint8_t* data, size_t size) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (size_t i = 0; i < size; ++i) data[i] = static_cast<uint8_t>(engine_() >> 56);
}

}  // namespace pd
