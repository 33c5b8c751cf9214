#include "store/domain_definition.hpp"

#include "store/settings_rules.hpp"
#include "util/error.hpp"

namespace virtckpt::store {

using util::Error;
using util::ErrorCode;

namespace {

// libvirt's two refusals: the uuid is another domain's, or the name is a domain's of another
// uuid.
[[noreturn]] void UuidTaken(const std::string& holder, const std::string& uuid) {
  throw Error(ErrorCode::OperationFailed,
              "domain '" + holder + "' is already defined with uuid " + uuid);
}

[[noreturn]] void NameTaken(const std::string& domain, const std::string& uuid) {
  throw Error(ErrorCode::OperationFailed,
              "domain '" + domain + "' already exists with uuid " + uuid);
}

}  // namespace

DomainDefinition::DomainDefinition(Backend& backend, conf::DomainDef def)
    : backend_(backend), def_(std::move(def)) {
  // A store that does not exist yet holds no domain; its first define makes it.
  if (!backend_.Exists()) return;
  if (!def_.uuid().empty()) {
    std::optional<std::string> holder = backend_.DomainWithUuid(def_.uuid());
    if (holder && *holder != def_.name()) {
      uuid_holder_ = holder;
      return;
    }
  }
  if (backend_.HasDomain(def_.name())) {
    session_ = backend_.Open(def_.name(), Access::Read);
    existing_ = std::make_unique<Catalog>(*session_);
  }
}

void DomainDefinition::CheckUuid() const {
  if (uuid_holder_) UuidTaken(*uuid_holder_, def_.uuid());
  if (!existing_) return;
  const std::string& old_uuid = existing_->domain().uuid();
  if (!def_.uuid().empty() && def_.uuid() != old_uuid) NameTaken(def_.name(), old_uuid);
}

void DomainDefinition::EnsureUuid() {
  def_.EnsureUuid(existing_ ? existing_->domain().uuid() : std::string());
}

DomainSettings DomainDefinition::settings() const {
  return existing_ ? existing_->settings() : DomainSettings{};
}

void DomainDefinition::SetSettings(const DomainSettings& wanted) {
  if (existing_) {
    CheckBitmapModelChange(def_.name(), existing_->settings().model, wanted.model,
                           existing_->checkpoint_count());
  }
  settings_ = wanted;
}

void DomainDefinition::Commit() {
  // A reader's lock would keep the writer waiting.
  existing_.reset();
  session_.reset();
  backend_.Define(def_, settings_);
}

}  // namespace virtckpt::store
