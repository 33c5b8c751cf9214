// The JSON objects that several commands share (virtckpt(1), JSON OUTPUT; checked against
// schemas/virtckpt-json.schema.json): a value that does not exist is null, never left out.
#pragma once

#include "store/catalog.hpp"
#include "util/json.hpp"

namespace virtckpt::cli {

// The keys of one checkpoint, inside an object the caller opened: name, parent, creationTime,
// children, descendants, current, state, owner, disks.
void WriteCheckpointKeys(util::JsonWriter& json, const store::CheckpointSummary& checkpoint,
                         const store::Catalog& catalog);

// A backup job object: operation, checkpoint, since, started.
void WriteJob(util::JsonWriter& json, const store::BackupJob& job);

}  // namespace virtckpt::cli
