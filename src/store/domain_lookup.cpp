#include "conf/uuid.hpp"
#include "store/backend.hpp"

namespace virtckpt::store {

std::optional<std::string> Backend::ResolveDomain(const std::string& name_or_uuid) {
  constexpr size_t kUuidLength = 36;
  if (name_or_uuid.size() == kUuidLength) {
    if (std::optional<std::string> uuid = conf::ParseUuid(name_or_uuid)) {
      if (std::optional<std::string> name = DomainWithUuid(*uuid)) return name;
    }
  }
  if (HasDomain(name_or_uuid)) return name_or_uuid;
  return std::nullopt;
}

}  // namespace virtckpt::store
