#include "cli/command.hpp"
#include "util/error.hpp"

namespace virtckpt::cli {

std::optional<std::string> Arguments::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.front();
}

std::optional<std::string> Arguments::GetNonEmpty(const std::string& name) const {
  std::optional<std::string> value = Get(name);
  if (value && value->empty()) {
    throw CommandError({"Failed to get option '" + name + "': Option argument is empty"});
  }
  return value;
}

const std::vector<std::string>& Arguments::All(const std::string& name) const {
  static const std::vector<std::string> kNone;
  auto it = values_.find(name);
  return it == values_.end() ? kNone : it->second;
}

std::string ResolveDomain(Context& ctx, const Arguments& args) {
  std::string wanted = args.GetNonEmpty("domain").value_or("");
  std::optional<std::string> name = ctx.backend().ResolveDomain(wanted);
  if (!name) throw CommandError({"failed to get domain '" + wanted + "'"});
  return *name;
}

}  // namespace virtckpt::cli
