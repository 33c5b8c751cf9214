// The store interface. Every backend (files on one host; PostgreSQL for a fleet) implements it,
// and nothing above src/store/ knows which one it talks to.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conf/domain_def.hpp"
#include "store/records.hpp"
#include "store/settings.hpp"
#include "util/name_table.hpp"

namespace virtckpt::store {

// Everything one command changes in one domain, applied as one unit.
struct Change {
  std::vector<CheckpointRecord> upserts;
  // Removed in this order (the caller lists leaves before their parents).
  std::vector<std::string> removals;
  bool set_current = false;
  std::optional<std::string> current;  // with set_current: the new current checkpoint, or none
  std::optional<conf::DomainDef> domain;
  std::optional<DomainSettings> settings;
  // Appended to the domain's pending bitmap operations (before any removal is applied).
  std::vector<BitmapOp> bitmap_ops;
  bool clear_bitmap_ops = false;
  bool set_job = false;
  std::optional<BackupJob> job;  // with set_job: the job that begins, or none (it ended)
  bool set_completed_job = false;
  // With set_completed_job: the job that just ended, or none (its statistics were read).
  std::optional<CompletedJob> completed_job;
  bool empty() const {
    return upserts.empty() && removals.empty() && !set_current && !domain && !settings &&
           bitmap_ops.empty() && !clear_bitmap_ops && !set_job && !set_completed_job;
  }
};

enum class Access { Read, Write };

// One command's view of one domain. A Write session holds the domain's writer lock until it is
// destroyed; a Read session sees one consistent state.
class DomainSession {
 public:
  virtual ~DomainSession() = default;
  virtual const conf::DomainDef& domain() const = 0;
  virtual const DomainSettings& settings() const = 0;
  // Every checkpoint, in no particular order.
  virtual const CheckpointSummaries& checkpoints() const = 0;
  // The rows of checkpoints() by name, when the backend keeps such a table (else nullptr).
  virtual const util::NameTable* names() const { return nullptr; }
  virtual const std::optional<std::string>& current() const = 0;
  // Problems met while loading (a checkpoint file that does not parse, ...), one line each.
  virtual const std::vector<std::string>& warnings() const = 0;
  // The checkpoints whose files exist but do not load (each also has its warning), sorted.
  virtual std::vector<std::string> unloadable() const = 0;
  // Bitmap operations recorded and not yet acknowledged as carried out.
  virtual const std::vector<BitmapOp>& bitmap_ops() const = 0;
  // The backup job that has begun and not ended, as recorded by job.xml.
  virtual const std::optional<BackupJob>& job() const = 0;
  // The backup job that ended last, as recorded by last-job.xml.
  virtual const std::optional<CompletedJob>& completed_job() const = 0;
  // The full record; throws Error(NotFound) if it is gone.
  virtual CheckpointRecord ReadCheckpoint(const std::string& name) = 0;
  // Applies the change; only for Write sessions. Afterwards the session reflects it.
  virtual void Commit(const Change& change) = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // Whether the store exists yet: one that does not is made by its first Define.
  virtual bool Exists() const = 0;
  // Domain names, sorted.
  virtual std::vector<std::string> ListDomains() = 0;
  // Resolves a name or uuid to a domain name as virsh does: text of a uuid's length (36) that
  // reads as one names the domain with that uuid if there is one, else any text is a name.
  std::optional<std::string> ResolveDomain(const std::string& name_or_uuid);
  virtual bool HasDomain(const std::string& name) = 0;
  // The domain with that uuid (given in libvirt's form, conf/uuid.hpp), if any.
  virtual std::optional<std::string> DomainWithUuid(const std::string& uuid) = 0;
  // Throws Error(NotFound) "failed to get domain 'NAME'".
  virtual std::unique_ptr<DomainSession> Open(const std::string& name, Access access) = 0;
  // Creates a domain (settings given) or replaces its definition (settings kept unless given).
  // Returns true if the domain was new.
  virtual bool Define(const conf::DomainDef& def,
                      const std::optional<DomainSettings>& settings) = 0;
  // Creates a domain that does not exist yet together with `change` (its checkpoints and
  // current checkpoint), as one unit: readers see the domain with all of it, or no domain. A
  // failure leaves the store as it was (what it made of the domain's directory, or the store's,
  // is removed). Throws Error(OperationFailed) when the domain exists.
  virtual void Create(const conf::DomainDef& def, const DomainSettings& settings,
                      const Change& change) = 0;
  // Removes the domain and everything the store keeps of it; refused with Error
  // (OperationInvalid) while it has checkpoints, unless with_checkpoints. `check` sees the
  // domain under the writer lock first and throws to refuse. Returns the bitmap operations that
  // were still pending, dropped with it.
  virtual std::vector<BitmapOp> Undefine(
      const std::string& name, bool with_checkpoints,
      const std::function<void(DomainSession&)>& check = [](DomainSession&) {}) = 0;
};

// What reads find when a store directory does not exist: an empty store (the default store,
// before its first write) or an error naming it (a store the user named). Writes create it.
enum class MissingRoot { Empty, Error };

// A directory path (the file store) or, later, a postgresql:// URI. Any other URI
// (qemu:///system, test:///default) is refused with Error(NoConnect), never taken as a path.
std::unique_ptr<Backend> OpenBackend(const std::string& uri,
                                     MissingRoot missing = MissingRoot::Error);

// Starts with a URI scheme (RFC 3986: a letter, then letters, digits, '+', '-', '.', then ':');
// a path such as ./qemu: or /srv/a:b does not.
bool LooksLikeUri(const std::string& text);

// The store used when neither -c nor $VIRTCKPT_ROOT names one: /var/lib/virtckpt for root,
// else $XDG_DATA_HOME/virtckpt (or ~/.local/share/virtckpt).
std::string DefaultStoreUri();

}  // namespace virtckpt::store
