// checkpoint-import: what an import does (which checkpoints it creates, replaces or skips, and
// why), decided in full before anything is written, then carried out as one change of the store.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exchange/import_source.hpp"
#include "store/backend.hpp"
#include "store/catalog.hpp"

namespace virtckpt::exchange {

struct ImportOptions {
  bool rename_domain = false;
  bool force = false;
  bool validate_disks = false;  // --redefine-validate
  std::optional<std::string> owner;
};

enum class ImportAction { Create, Replace, Skip };
const char* ImportActionName(ImportAction action);

struct PlannedCheckpoint {
  std::string name;
  std::string file;
  ImportAction action = ImportAction::Create;
  std::string reason;
};

struct ImportPlan {
  std::string domain;
  // The domain does not exist: the import defines it from `definition_source`.
  bool define_domain = false;
  std::string definition_source;
  // The domain's settings change (a new domain's, or --force over other settings).
  bool settings_change = false;
  store::DomainSettings settings;
  std::vector<PlannedCheckpoint> checkpoints;  // parents first
  std::optional<std::string> current;
  std::vector<std::string> warnings;
  bool changes_nothing() const { return change.empty() && !define_domain; }

  // What is written.
  store::Change change;
  std::optional<conf::DomainDef> new_domain;
};

// Decides the import of `sources` into domain `name` (a name or uuid) of `backend`, holding the
// domain's writer lock when it exists (with Access::Write; a dry run reads). Throws ImportError
// naming the file, or Error, for anything that would make the import fail; nothing is written.
class Importer {
 public:
  Importer(store::Backend& backend, const std::string& name, store::Access access);
  // Problems met while loading the existing domain (none for a new one).
  std::vector<std::string> LoadWarnings() const;
  ImportPlan Plan(ImportSources sources, const ImportOptions& options);
  // Writes the plan as one change: all of it, or (on any failure) nothing.
  void Apply(const ImportPlan& plan);

 private:
  store::Backend& backend_;
  std::string name_;
  std::unique_ptr<store::DomainSession> session_;
  std::unique_ptr<store::Catalog> catalog_;
};

}  // namespace virtckpt::exchange
