#include "store/files/domain_name.hpp"

#include "store/files/file_names.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace virtckpt::store::files {

namespace {

// What is wrong with `name`, or "" when nothing is.
std::string Problem(const std::string& name) {
  if (name.empty()) return "must not be empty";
  if (name == "." || name == "..") return "is not allowed";
  if (name.find('/') != std::string::npos) return "must not contain '/'";
  if (name.find('\0') != std::string::npos) return "must not contain a NUL byte";
  if (name.size() > 255) return "is longer than 255 bytes";
  if (util::StartsWith(name, kReservedNamePrefix)) {
    return std::string("is reserved: names beginning with '") + kReservedNamePrefix +
           "' belong to the store";
  }
  return "";
}

}  // namespace

bool IsUsableDomainName(const std::string& name) { return Problem(name).empty(); }

void CheckDomainName(const std::string& name) {
  if (std::string problem = Problem(name); !problem.empty()) {
    std::string shown = name.size() > 64 ? name.substr(0, 64) + "..." : name;
    throw util::Error(util::ErrorCode::InvalidArg, "domain name '" + shown + "' " + problem);
  }
}

}  // namespace virtckpt::store::files
