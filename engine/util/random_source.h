// Randomness as a collaborator: crypto.getRandomValues/randomUUID (and, when seeded, Math.random)
// draw from a RandomSource, so the harness can make a node's output reproducible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>

namespace pd {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual void fill(uint8_t* data, size_t size) = 0;
  // Whether the sequence is reproducible (the runtime then seeds Math.random from it too).
  virtual bool deterministic() const { return false; }
};

// The operating system's CSPRNG through OpenSSL.
class SystemRandom : public RandomSource {
 public:
  void fill(uint8_t* data, size_t size) override;
};

// The same CSPRNG, drawn 4 KiB at a time: RAND_bytes asks the kernel for the process id on
// every call (to notice a fork), a system call per execution id otherwise. Thread-safe. A forked
// child would repeat the parent's remaining block, so it is for processes that do not fork.
class BufferedSystemRandom : public RandomSource {
 public:
  void fill(uint8_t* data, size_t size) override;

 private:
  std::mutex mutex_;
  uint8_t block_[4096];
  size_t used_ = sizeof(block_);
};

// The same bytes for the same seed; thread-safe. For tests and fixtures, never for secrets.
class SeededRandom : public RandomSource {
 public:
  explicit SeededRandom(uint64_t seed) : engine_(seed) {}
  void fill(uint8_t* data, size_t size) override;
  bool deterministic() const override { return true; }

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_;
};

// A version 4 UUID made of 16 random bytes (version and variant bits set), as
// crypto.randomUUID writes it; random_uuid draws the bytes from `random`.
std::string uuid_v4(const uint8_t (&bytes)[16]);
std::string random_uuid(RandomSource& random);

}  // namespace pd
