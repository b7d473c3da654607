#include "fakes/k8s/object_store.h"

namespace pd::fake_k8s {

std::string event_type_name(EventType type) {
  switch (type) {
    case EventType::kAdded:
      return "ADDED";
    case EventType::kModified:
      return "MODIFIED";
    case EventType::kDeleted:
      return "DELETED";
  }
  return "ERROR";
}

std::optional<nlohmann::json> ObjectStore::get(const ResourceType& type, const std::string& ns,
                                               const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = objects_.find({type.qualified_plural(), ns, name});
  if (it == objects_.end()) return std::nullopt;
  return it->second.second;
}

ListResult ObjectStore::list(const ResourceType& type, const std::string& ns, const Filter& filter,
                             size_t limit, const std::string& continue_token) const {
  std::lock_guard<std::mutex> lock(mutex_);
  ListResult result;
  result.resource_version = version_;
  std::string plural = type.qualified_plural();
  // Continue tokens are "<namespace>/<name>" of the last item returned.
  std::string after_ns, after_name;
  if (!continue_token.empty()) {
    size_t slash = continue_token.find('/');
    after_ns = continue_token.substr(0, slash);
    after_name = slash == std::string::npos ? "" : continue_token.substr(slash + 1);
  }
  auto it = continue_token.empty() ? objects_.lower_bound({plural, ns, ""})
                                   : objects_.upper_bound({plural, after_ns, after_name});
  for (; it != objects_.end(); ++it) {
    const auto& [key_plural, key_ns, key_name] = it->first;
    if (key_plural != plural) break;
    if (!ns.empty() && key_ns != ns) break;
    if (filter && !filter(it->second.second)) continue;
    if (limit > 0 && result.items.size() == limit) {
      const nlohmann::json& last = result.items.back()["metadata"];
      result.continue_token =
          last.value("namespace", std::string()) + "/" + last.value("name", std::string());
      break;
    }
    result.items.push_back(it->second.second);
  }
  return result;
}

nlohmann::json ObjectStore::put(const ResourceType& type, const std::string& ns,
                                const std::string& name, nlohmann::json object) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++version_;
  object["metadata"]["resourceVersion"] = std::to_string(version_);
  Key key{type.qualified_plural(), ns, name};
  bool existed = objects_.count(key) > 0;
  objects_[key] = {&type, object};
  history_.push_back(
      {existed ? EventType::kModified : EventType::kAdded, &type, ns, object, version_});
  if (observer_) observer_(history_.back());
  if (history_.size() > history_limit_) history_.pop_front();
  changed_.notify_all();
  return object;
}

std::optional<nlohmann::json> ObjectStore::erase(const ResourceType& type, const std::string& ns,
                                                 const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = objects_.find({type.qualified_plural(), ns, name});
  if (it == objects_.end()) return std::nullopt;
  nlohmann::json object = std::move(it->second.second);
  objects_.erase(it);
  ++version_;
  object["metadata"]["resourceVersion"] = std::to_string(version_);
  history_.push_back({EventType::kDeleted, &type, ns, object, version_});
  if (observer_) observer_(history_.back());
  if (history_.size() > history_limit_) history_.pop_front();
  changed_.notify_all();
  return object;
}

uint64_t ObjectStore::resource_version() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return version_;
}

size_t ObjectStore::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return objects_.size();
}

std::optional<std::vector<WatchEvent>> ObjectStore::wait_events(
    uint64_t since, std::chrono::steady_clock::time_point deadline,
    const std::function<bool(const WatchEvent&)>& accept) const {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!history_.empty() && since + 1 < history_.front().resource_version && since < version_) {
    return std::nullopt;
  }
  std::vector<WatchEvent> events;
  uint64_t seen = since;
  while (true) {
    for (const WatchEvent& event : history_) {
      if (event.resource_version <= seen) continue;
      seen = event.resource_version;
      if (accept(event)) events.push_back(event);
    }
    if (!events.empty() || stopped_) return events;
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) return events;
  }
}

void ObjectStore::set_observer(std::function<void(const WatchEvent&)> observer) {
  std::lock_guard<std::mutex> lock(mutex_);
  observer_ = std::move(observer);
}

void ObjectStore::restore(const ResourceType& type, const std::string& ns, const std::string& name,
                          nlohmann::json object) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string rv = object["metadata"].value("resourceVersion", std::string("0"));
  version_ = std::max<uint64_t>(version_, std::strtoull(rv.c_str(), nullptr, 10));
  objects_[{type.qualified_plural(), ns, name}] = {&type, std::move(object)};
}

void ObjectStore::restore_version(uint64_t version) {
  std::lock_guard<std::mutex> lock(mutex_);
  version_ = std::max(version_, version);
}

void ObjectStore::stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  stopped_ = true;
  changed_.notify_all();
}

std::vector<std::tuple<const ResourceType*, std::string, nlohmann::json>> ObjectStore::snapshot()
    const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::tuple<const ResourceType*, std::string, nlohmann::json>> out;
  for (const auto& [key, value] : objects_) {
    out.emplace_back(value.first, std::get<1>(key), value.second);
  }
  return out;
}

}  // namespace pd::fake_k8s
