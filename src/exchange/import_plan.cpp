#include "exchange/import_plan.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "conf/uuid.hpp"
#include "exchange/import_error.hpp"
#include "store/domain_definition.hpp"
#include "store/settings_rules.hpp"
#include "util/error.hpp"

namespace virtckpt::exchange {

using util::Error;
using util::ErrorCode;

namespace {

std::string DescribeSettings(const store::DomainSettings& settings) {
  return std::string("bitmap model ") + store::BitmapModelToString(settings.model) + ", mode " +
         store::BitmapModeToString(settings.mode) + ", granularity " +
         std::to_string(settings.granularity);
}

// Whether the store's checkpoint is the imported document: the same as checkpoint-dumpxml would
// print it, with or without security information.
bool SameDocument(const conf::CheckpointDef& stored, const conf::CheckpointDef& imported) {
  unsigned layout = imported.domain ? 0u : unsigned{conf::kFormatNoDomain};
  std::string text = conf::FormatCheckpoint(imported, layout | conf::kFormatSecure);
  return text == conf::FormatCheckpoint(stored, layout | conf::kFormatSecure) ||
         text == conf::FormatCheckpoint(stored, layout);
}

// The checkpoints after the import: each name with its parent.
using ParentMap = std::map<std::string, std::string>;

// libvirt's rule for the current checkpoint of checkpoints loaded without one: the leaf when
// they form one linear chain, else none.
std::optional<std::string> LinearLeaf(const ParentMap& parents) {
  std::map<std::string, size_t> children;
  size_t roots = 0;
  for (const auto& [name, parent] : parents) {
    if (parent.empty() || !parents.count(parent)) {
      ++roots;
    } else if (++children[parent] > 1) {
      return std::nullopt;
    }
  }
  if (roots != 1) return std::nullopt;
  for (const auto& entry : parents) {
    if (!children.count(entry.first)) return entry.first;
  }
  return std::nullopt;
}

}  // namespace

const char* ImportActionName(ImportAction action) {
  switch (action) {
    case ImportAction::Create:
      return "create";
    case ImportAction::Replace:
      return "replace";
    case ImportAction::Skip:
      return "skip";
  }
  return "";
}

Importer::Importer(store::Backend& backend, const std::string& name, store::Access access)
    : backend_(backend) {
  // A store that does not exist yet is made by the import.
  std::optional<std::string> resolved =
      backend.Exists() ? backend.ResolveDomain(name) : std::nullopt;
  name_ = resolved.value_or(name);
  if (resolved) {
    session_ = backend.Open(*resolved, access);
    catalog_ = std::make_unique<store::Catalog>(*session_);
  }
}

std::vector<std::string> Importer::LoadWarnings() const {
  return session_ ? session_->warnings() : std::vector<std::string>{};
}

ImportPlan Importer::Plan(ImportSources sources, const ImportOptions& options) {
  ImportPlan plan;
  plan.domain = name_;
  plan.warnings = sources.warnings;
  const Manifest* manifest = sources.manifest ? &*sources.manifest : nullptr;
  std::vector<SourceDocument>& docs = sources.documents;
  if (options.owner) store::CheckOwner(*options.owner);

  // The domain the checkpoints go to.
  conf::DomainDef target;
  if (catalog_) {
    catalog_->RefuseWhilePending("import checkpoints");
    target = catalog_->domain();
    plan.settings = catalog_->settings();
  } else {
    std::optional<conf::DomainDef> definition;
    if (manifest && manifest->definition) {
      definition = manifest->definition;
      plan.definition_source = sources.manifest_file;
    } else {
      // The newest by creation time; in the same second (creation times have no more), a
      // descendant is newer than its ancestors; else the one given last.
      std::map<std::string, const SourceDocument*> by_name;
      for (const SourceDocument& doc : docs) by_name[doc.def.name] = &doc;
      auto depth = [&](const SourceDocument& doc) {
        size_t n = 0;
        for (auto at = by_name.find(doc.def.parent); at != by_name.end() && n <= docs.size();
             at = by_name.find(at->second->def.parent)) {
          ++n;
        }
        return n;
      };
      const SourceDocument* newest = nullptr;
      for (const SourceDocument& doc : docs) {
        if (!doc.def.domain) continue;
        if (!newest || doc.def.creation_time > newest->def.creation_time ||
            (doc.def.creation_time == newest->def.creation_time && depth(doc) >= depth(*newest))) {
          newest = &doc;
        }
      }
      if (newest) {
        definition = newest->def.domain;
        plan.definition_source = newest->file;
      }
    }
    if (!definition) {
      throw Error(ErrorCode::OperationInvalid,
                  "domain '" + name_ +
                      "' is not defined, and no source holds a definition of it: define it "
                      "first (checkpoints exported with --no-domain carry none)");
    }
    if (definition->name() != name_) {
      if (!options.rename_domain) {
        throw Error(ErrorCode::OperationInvalid,
                    "the sources are of domain '" + definition->name() + "', not '" + name_ +
                        "': use --rename-domain to import them as domain '" + name_ + "'");
      }
      std::string uuid = definition->uuid();
      if (uuid.empty() || (backend_.Exists() && backend_.DomainWithUuid(uuid))) {
        uuid = conf::RandomUuid();
      }
      definition->Rename(name_, uuid);
    }
    definition->EnsureUuid();
    store::DomainDefinition check(backend_, *definition);
    check.CheckUuid();
    plan.define_domain = true;
    plan.settings = manifest ? manifest->settings : store::DomainSettings{};
    plan.settings_change = true;
    plan.new_domain = definition;
    target = *definition;
  }

  // The embedded definitions must be of that domain.
  for (SourceDocument& doc : docs) {
    if (!doc.def.domain) continue;
    const conf::DomainDef& embedded = *doc.def.domain;
    if (options.rename_domain) {
      if (embedded.name() != target.name() || embedded.uuid() != target.uuid()) {
        doc.def.domain->Rename(target.name(), target.uuid());
      }
    } else if (embedded.uuid() != target.uuid()) {
      throw ImportError(doc.file, "its <domain> has uuid " + embedded.uuid() + ", and domain '" +
                                      name_ + "' has uuid " + target.uuid() +
                                      ": use --rename-domain to import it into this domain");
    }
  }

  // An export of another domain whose documents embed no <domain> to tell (the manifest's uuid
  // in any form libvirt reads; a domain's is in libvirt's).
  if (catalog_ && manifest && !options.rename_domain &&
      conf::ParseUuid(manifest->uuid).value_or(manifest->uuid) != target.uuid()) {
    throw ImportError(sources.manifest_file,
                      "it is an export of domain '" + manifest->domain_name + "' with uuid " +
                          manifest->uuid + ", and domain '" + name_ + "' has uuid " +
                          target.uuid() + ": use --rename-domain to import it into this domain");
  }

  // The settings, once the sources are known to be of this domain.
  if (catalog_ && manifest && !(manifest->settings == plan.settings)) {
    if (!options.force) {
      throw Error(ErrorCode::OperationInvalid,
                  "domain '" + name_ + "' has " + DescribeSettings(plan.settings) +
                      "; the export has " + DescribeSettings(manifest->settings) +
                      ": use --force to import with the export's settings");
    }
    store::CheckBitmapModelChange(name_, plan.settings.model, manifest->settings.model,
                                  catalog_->checkpoint_count());
    plan.settings = manifest->settings;
    plan.settings_change = true;
  }

  // Parents: among the sources, else in the store; a libvirt directory's orphans are roots.
  std::map<std::string, size_t> by_name;
  for (size_t i = 0; i < docs.size(); ++i) by_name[docs[i].def.name] = i;
  auto in_store = [&](const std::string& name) {
    return catalog_ && catalog_->tree().Find(name) != nullptr;
  };
  bool orphans = false;
  std::vector<std::optional<size_t>> source_parent(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    const std::string& parent = docs[i].def.parent;
    if (parent.empty()) continue;
    if (auto it = by_name.find(parent); it != by_name.end()) {
      source_parent[i] = it->second;
    } else if (!in_store(parent)) {
      if (!docs[i].libvirt) {
        throw ImportError(docs[i].file, "its parent '" + parent +
                                            "' is neither among the imported checkpoints nor a "
                                            "checkpoint of domain '" +
                                            name_ + "'");
      }
      plan.warnings.push_back("checkpoint '" + docs[i].def.name + "' lacks its parent '" + parent +
                              "': it becomes a root, and no checkpoint is current");
      orphans = true;
      // A root in its document too: the store never holds a parent that does not exist.
      docs[i].def.parent.clear();
    }
  }
  // The tree after the import, to find cycles and the current checkpoint.
  ParentMap parents;
  if (catalog_) {
    for (const store::CheckpointSummary& c : session_->checkpoints()) parents[c.name] = c.parent;
  }
  for (const SourceDocument& doc : docs) parents[doc.def.name] = doc.def.parent;
  for (size_t i = 0; i < docs.size(); ++i) {
    const std::string& name = docs[i].def.name;
    std::string at = docs[i].def.parent;
    for (size_t steps = 0; !at.empty() && steps <= parents.size(); ++steps) {
      if (at == name) {
        if (docs[i].libvirt) {
          plan.warnings.push_back("checkpoint '" + name +
                                  "' is in a circular chain: it becomes a root, and no "
                                  "checkpoint is current");
          orphans = true;
          source_parent[i].reset();
          parents[name] = "";
          docs[i].def.parent.clear();
          break;
        }
        throw ImportError(docs[i].file,
                          "parent " + docs[i].def.parent + " would create cycle to " + name);
      }
      auto next = parents.find(at);
      at = next == parents.end() ? "" : next->second;
    }
  }

  // Parents first: a depth-first walk from the roots, each set of siblings in the manifest's
  // order, else by creation time, then as given.
  auto key = [&](size_t i) {
    const SourceDocument& doc = docs[i];
    return std::make_tuple(doc.entry  ? *doc.entry
                           : manifest ? manifest->entries.size()
                                      : 0,
                           doc.def.creation_time, i);
  };
  std::map<std::optional<size_t>, std::vector<size_t>> children;
  for (size_t i = 0; i < docs.size(); ++i) children[source_parent[i]].push_back(i);
  for (auto& entry : children) {
    std::sort(entry.second.begin(), entry.second.end(),
              [&](size_t a, size_t b) { return key(a) < key(b); });
  }
  std::vector<size_t> order;
  std::vector<size_t> stack;
  auto push_children = [&](std::optional<size_t> parent) {
    auto it = children.find(parent);
    if (it == children.end()) return;
    stack.insert(stack.end(), it->second.rbegin(), it->second.rend());
  };
  push_children(std::nullopt);
  while (!stack.empty()) {
    size_t next = stack.back();
    stack.pop_back();
    order.push_back(next);
    push_children(next);
  }

  // What each checkpoint becomes.
  uint64_t link_seq = catalog_ ? catalog_->tree().MaxLinkSeq() : 0;
  for (size_t i : order) {
    SourceDocument& doc = docs[i];
    const ManifestEntry* entry = doc.entry && manifest ? &manifest->entries[*doc.entry] : nullptr;
    if (entry && entry->state != store::CheckpointState::Committed) {
      throw ImportError(doc.file,
                        "the manifest records it as pending: it belongs to a backup job that "
                        "had not ended when it was exported");
    }
    conf::CheckpointDef def = doc.def;
    try {
      conf::PrepareRedefine(&def, target);
      if (options.validate_disks) conf::ValidateRedefinedDisks(def, target);
    } catch (const Error& e) {
      throw ImportError(doc.file, e.what());
    }
    PlannedCheckpoint planned;
    planned.name = def.name;
    planned.file = doc.file;
    const store::CheckpointSummary* existing = catalog_ ? catalog_->tree().Find(def.name) : nullptr;
    if (existing) {
      if (SameDocument(catalog_->Read(def.name).def, def)) {
        planned.action = ImportAction::Skip;
        planned.reason = "domain '" + name_ + "' has it already, with the same document";
        plan.checkpoints.push_back(std::move(planned));
        continue;
      }
      if (!options.force) {
        throw ImportError(doc.file, "domain '" + name_ + "' has a checkpoint '" + def.name +
                                        "' with another document: use --force to replace it");
      }
      planned.action = ImportAction::Replace;
      planned.reason = "domain '" + name_ + "' has another document under this name (--force)";
    } else {
      planned.action = ImportAction::Create;
      planned.reason = "domain '" + name_ + "' has no checkpoint of this name";
    }
    store::CheckpointRecord record;
    if (options.owner) {
      record.meta.owner = *options.owner;
    } else if (entry) {
      record.meta.owner = entry->owner;
    } else if (existing) {
      record.meta.owner = existing->owner;
    }
    record.meta.link_seq = ++link_seq;
    record.meta.reconstructed = entry && entry->reconstructed;
    if (entry) {
      record.meta.disks = entry->disks;
    } else if (catalog_) {
      record.meta.disks = catalog_->RedefinedIdentities(def, existing);
    } else if (def.domain) {
      record.meta.disks = store::IdentitiesOf(*def.domain, false);
    }
    record.def = std::move(def);
    plan.change.upserts.push_back(std::move(record));
    plan.checkpoints.push_back(std::move(planned));
  }

  // The current checkpoint: the manifest's, else libvirt's rule.
  if (manifest) {
    plan.current = manifest->current;
    if (plan.current && !parents.count(*plan.current)) {
      throw ImportError(sources.manifest_file, "its current checkpoint '" + *plan.current +
                                                   "' is not one of the checkpoints");
    }
  } else if (!orphans) {
    plan.current = LinearLeaf(parents);
  }
  std::optional<std::string> before = catalog_ ? catalog_->current() : std::nullopt;
  if (manifest && before && plan.current != before) {
    // The domain has moved on from the export's current checkpoint (its current one descends
    // from it), or the export had none: an import of what the domain has already is no change.
    bool moved_on = !plan.current;
    std::string at = *before;
    for (size_t steps = 0; !moved_on && !at.empty() && steps <= parents.size(); ++steps) {
      moved_on = at == *plan.current;
      auto next = parents.find(at);
      at = next == parents.end() ? "" : next->second;
    }
    if (moved_on) plan.current = before;
  }
  if (plan.current != before) {
    plan.change.set_current = true;
    plan.change.current = plan.current;
  }
  if (plan.settings_change && catalog_) plan.change.settings = plan.settings;
  return plan;
}

void Importer::Apply(const ImportPlan& plan) {
  if (plan.define_domain) {
    backend_.Create(*plan.new_domain, plan.settings, plan.change);
    return;
  }
  if (!plan.change.empty()) session_->Commit(plan.change);
}

}  // namespace virtckpt::exchange
