// The fake cluster's storage: objects by resource type, namespace and name, kept in the order the
// real API server lists them (namespace, then name); one global resourceVersion counter; and a
// bounded event history that watches read from. Thread-safe; knows nothing about validation.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "fakes/k8s/resource_catalog.h"

namespace pd::fake_k8s {

enum class EventType { kAdded, kModified, kDeleted };
std::string event_type_name(EventType type);

struct WatchEvent {
  EventType type;
  const ResourceType* resource;
  std::string namespace_name;
  nlohmann::json object;
  uint64_t resource_version;
};

struct ListResult {
  std::vector<nlohmann::json> items;
  uint64_t resource_version = 0;
  std::string continue_token;  // set when `limit` cut the list short
};

class ObjectStore {
 public:
  using Filter = std::function<bool(const nlohmann::json&)>;

  explicit ObjectStore(size_t history_limit = 10'000) : history_limit_(history_limit) {}

  std::optional<nlohmann::json> get(const ResourceType& type, const std::string& ns,
                                    const std::string& name) const;

  // Objects of `type` in `ns` ("" = every namespace) that pass `filter`, sorted by namespace and
  // name, starting after `continue_token`, at most `limit` (0 = all).
  ListResult list(const ResourceType& type, const std::string& ns, const Filter& filter,
                  size_t limit = 0, const std::string& continue_token = "") const;

  // Stores `object` (creating or replacing), sets metadata.resourceVersion to a new global
  // version, records the event, and returns the stored object.
  nlohmann::json put(const ResourceType& type, const std::string& ns, const std::string& name,
                     nlohmann::json object);

  // Removes the object; returns it (with the deletion's resourceVersion) if it existed.
  std::optional<nlohmann::json> erase(const ResourceType& type, const std::string& ns,
                                      const std::string& name);

  uint64_t resource_version() const;
  size_t size() const;

  // Events after `since` that pass `accept`, waiting until at least one exists, `deadline`
  // passes or stop() is called. Returns nothing when `since` is older than the history kept
  // (the watch must start again: 410 Gone).
  std::optional<std::vector<WatchEvent>> wait_events(
      uint64_t since, std::chrono::steady_clock::time_point deadline,
      const std::function<bool(const WatchEvent&)>& accept) const;

  // Called (under the store's lock, in resourceVersion order) after every change; used to
  // persist state. Set before serving.
  void set_observer(std::function<void(const WatchEvent&)> observer);

  // Loads an object as it was saved (keeping its resourceVersion) and advances the global
  // version past it; records no event. For restoring persisted state before serving.
  void restore(const ResourceType& type, const std::string& ns, const std::string& name,
               nlohmann::json object);

  // Moves the global version forward to at least `version` (restoring persisted state).
  void restore_version(uint64_t version);

  // Wakes every waiting watch so that servers can shut down.
  void stop();

  // Every object, for persistence: (type, namespace, name, object).
  std::vector<std::tuple<const ResourceType*, std::string, nlohmann::json>> snapshot() const;

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // qualified plural, ns, name

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::map<Key, std::pair<const ResourceType*, nlohmann::json>> objects_;
  std::deque<WatchEvent> history_;
  size_t history_limit_;
  uint64_t version_ = 1;
  bool stopped_ = false;
  std::function<void(const WatchEvent&)> observer_;
};

}  // namespace pd::fake_k8s
