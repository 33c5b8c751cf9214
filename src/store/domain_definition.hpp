// define: a new domain, or a new definition of a domain the store has, with libvirt's rules for
// its uuid and the rules of its settings. The store is read when the definition is looked up;
// the checks after that read nothing, so that they throw nothing but their refusals.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "conf/domain_def.hpp"
#include "store/backend.hpp"
#include "store/catalog.hpp"
#include "store/settings.hpp"

namespace virtckpt::store {

class DomainDefinition {
 public:
  // Looks up the domain that holds the definition's uuid (when it has one) and, unless that is
  // another domain, the domain of the definition's name, which is opened for reading. Errors of
  // the store are thrown as they come.
  DomainDefinition(Backend& backend, conf::DomainDef def);

  const conf::DomainDef& def() const { return def_; }
  // The domain the definition replaces; nullptr when it defines a new one.
  const Catalog* existing() const { return existing_.get(); }

  // Refuses with Error(AlreadyExists) a uuid that another domain holds, and a uuid other than
  // the one of the domain the definition replaces.
  void CheckUuid() const;
  // A definition without a uuid keeps the one of the domain it replaces; a new domain gets a
  // random one.
  void EnsureUuid();

  // The settings the definition starts from: the replaced domain's, else the defaults.
  DomainSettings settings() const;
  // The settings to write with the definition (without, a replaced domain keeps its own).
  // Throws CheckBitmapModelChange's refusal for the replaced domain's checkpoints.
  void SetSettings(const DomainSettings& wanted);

  // Closes the replaced domain and writes the definition (and the settings, when set).
  void Commit();

 private:
  Backend& backend_;
  conf::DomainDef def_;
  std::optional<std::string> uuid_holder_;  // another domain that holds the definition's uuid
  std::unique_ptr<DomainSession> session_;
  std::unique_ptr<Catalog> existing_;
  std::optional<DomainSettings> settings_;
};

}  // namespace virtckpt::store
