#include "cli/json_output.hpp"

namespace virtckpt::cli {

void WriteCheckpointKeys(util::JsonWriter& json, const store::CheckpointSummary& checkpoint,
                         const store::Catalog& catalog) {
  const store::CheckpointTree& tree = catalog.tree();
  json.Key("name").String(checkpoint.name);
  json.Key("parent").StringOrNull(checkpoint.parent);
  json.Key("creationTime").Number(checkpoint.creation_time);
  json.Key("children").Unsigned(tree.Children(checkpoint.name).size());
  json.Key("descendants").Unsigned(tree.CountDescendants(checkpoint.name));
  json.Key("current").Bool(catalog.current() && *catalog.current() == checkpoint.name);
  json.Key("state").String(store::CheckpointStateToString(checkpoint.state));
  json.Key("owner").StringOrNull(checkpoint.owner);
  json.Key("disks").BeginArray();
  for (const auto& disk : checkpoint.disks()) {
    json.BeginObject();
    json.Key("target").String(disk.target);
    json.Key("checkpoint").String(conf::CheckpointTypeToString(disk.type));
    json.Key("bitmap").StringOrNull(disk.bitmap);
    json.EndObject();
  }
  json.EndArray();
}

void WriteJob(util::JsonWriter& json, const store::BackupJob& job) {
  json.BeginObject();
  json.Key("operation").String("backup");
  json.Key("checkpoint").StringOrNull(job.checkpoint);
  json.Key("since").StringOrNull(job.since);
  json.Key("started").Number(job.started);
  json.EndObject();
}

}  // namespace virtckpt::cli
