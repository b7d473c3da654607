#include "engine/util/time_zone.h"

#include <algorithm>
#include <cstdlib>

#include "engine/util/file_io.h"

namespace pd {
namespace {

int64_t big_endian(const std::string& data, size_t at, size_t bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < bytes; ++i) value = value << 8 | static_cast<unsigned char>(data[at + i]);
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(value));
  return static_cast<int64_t>(value);
}

}  // namespace

Result<TimeZone> TimeZone::load(const std::string& name) {
  TimeZone zone;
  if (name.empty() || name == "UTC" || name == "Etc/UTC") return zone;
  if (name.find("..") != std::string::npos || name.starts_with("/")) {
    return invalid_argument("time zone \"" + name + "\" is not an IANA name");
  }
  const char* dir = std::getenv("TZDIR");
  std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + name;
  Result<std::string> file = read_text_file(path);
  if (!file.is_ok()) {
    return not_found("unknown time zone \"" + name + "\" (no " + path +
                     "; is the tzdata package installed?)");
  }
  const std::string& data = file.value();
  auto bad = [&] { return invalid_argument(path + " is not a TZif time zone file"); };
  if (data.size() < 44 || data.compare(0, 4, "TZif") != 0) return bad();
  auto counts = [&](size_t at) {
    std::vector<int64_t> c;
    for (int i = 0; i < 6; ++i) c.push_back(big_endian(data, at + 20 + 4 * i, 4));
    return c;  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  };
  std::vector<int64_t> c = counts(0);
  size_t at = 44;
  size_t time_bytes = 4;
  if (data[4] >= '2') {
    // Skip the 32-bit block; the 64-bit one follows with its own header.
    at += c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (data.size() < at + 44) return bad();
    c = counts(at);
    at += 44;
    time_bytes = 8;
  }
  int64_t timecnt = c[3], typecnt = c[4];
  if (typecnt <= 0 || data.size() < at + timecnt * (time_bytes + 1) + typecnt * 6) return bad();
  std::vector<int> type_offsets;
  std::vector<bool> type_dst;
  size_t types_at = at + timecnt * (time_bytes + 1);
  for (int64_t i = 0; i < typecnt; ++i) {
    type_offsets.push_back(static_cast<int>(big_endian(data, types_at + i * 6, 4)));
    type_dst.push_back(data[types_at + i * 6 + 4] != 0);
  }
  for (int64_t i = 0; i < timecnt; ++i) {
    zone.transitions_.push_back(big_endian(data, at + i * time_bytes, time_bytes));
    auto type = static_cast<unsigned char>(data[at + timecnt * time_bytes + i]);
    if (type >= type_offsets.size()) return bad();
    zone.offsets_after_.push_back(type_offsets[type]);
  }
  // Before the first transition: the first standard-time type.
  auto standard = std::find(type_dst.begin(), type_dst.end(), false);
  zone.initial_offset_ = type_offsets[standard == type_dst.end() ? 0 : standard - type_dst.begin()];
  zone.name_ = name;
  return zone;
}

int TimeZone::offset_at(std::chrono::system_clock::time_point utc) const {
  int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(utc.time_since_epoch()).count();
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), seconds);
  if (it == transitions_.begin()) return initial_offset_;
  return offsets_after_[static_cast<size_t>(it - transitions_.begin() - 1)];
}

}  // namespace pd
