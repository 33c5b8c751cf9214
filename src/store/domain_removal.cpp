#include "store/domain_removal.hpp"

#include <optional>

#include "store/catalog.hpp"
#include "util/error.hpp"

namespace virtckpt::store {

namespace {

[[noreturn]] void Unsupported(const std::string& why) {
  throw util::Error(util::ErrorCode::OperationUnsupported, why);
}

std::string Describe(const std::vector<conf::DomainVolume>& volumes) {
  std::string text;
  for (const conf::DomainVolume& volume : volumes) {
    text += (text.empty() ? "'" : ", '") + volume.target + "'(" + volume.source + ")";
  }
  return text;
}

}  // namespace

void RefuseRemovals(const conf::DomainDef& def, const Removals& removals) {
  if (!removals.volumes.empty()) {
    Unsupported("virtckpt does not manage storage volumes and cannot remove " +
                Describe(removals.volumes) + "; remove them yourself and undefine without " +
                (removals.named_volumes ? "--storage" : "--remove-all-storage"));
  }
  if (removals.nvram) {
    if (std::optional<std::string> nvram = conf::NvramFile(def)) {
      Unsupported("virtckpt does not manage NVRAM files and cannot remove '" + *nvram +
                  "'; remove it yourself and undefine with --keep-nvram");
    }
  }
  if (removals.tpm && conf::HasEmulatedTpm(def)) {
    Unsupported(
        "virtckpt does not manage TPM state and cannot remove the state of its emulated TPM; "
        "remove it yourself and undefine with --keep-tpm");
  }
}

std::vector<BitmapOp> UndefineDomain(Backend& backend, const std::string& name,
                                     bool with_checkpoints) {
  return backend.Undefine(name, with_checkpoints, [](DomainSession& session) {
    Catalog(session).RefuseWhilePending("undefine the domain");
  });
}

}  // namespace virtckpt::store
