#include "store/files/domain_name.hpp"

#include "store/files/domain_dir.hpp"
#include "util/error.hpp"

namespace virtckpt::store::files {

namespace {

const char* Problem(const std::string& name) {
  if (name.empty()) return "must not be empty";
  if (name == "." || name == "..") return "is not allowed";
  if (name.find('/') != std::string::npos) return "must not contain '/'";
  if (name.find('\0') != std::string::npos) return "must not contain a NUL byte";
  if (name.size() > 255) return "is longer than 255 bytes";
  if (name.compare(0, std::string(kReservedNamePrefix).size(), kReservedNamePrefix) == 0) {
    return "is reserved: names beginning with '.virtckpt-' belong to the store";
  }
  return nullptr;
}

}  // namespace

bool IsUsableDomainName(const std::string& name) { return Problem(name) == nullptr; }

void CheckDomainName(const std::string& name) {
  if (const char* problem = Problem(name)) {
    std::string shown = name.size() > 64 ? name.substr(0, 64) + "..." : name;
    throw util::Error(util::ErrorCode::InvalidArgument,
                      "invalid argument: domain name '" + shown + "' " + problem);
  }
}

}  // namespace virtckpt::store::files
