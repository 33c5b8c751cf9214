#include "cli/plan_output.hpp"

#include "cli/json_output.hpp"
#include "cli/table.hpp"
#include "util/json.hpp"

namespace virtckpt::cli {

namespace {

std::string Join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : sep) + item;
  return out;
}

}  // namespace

std::string FormatPlanText(const backup::BackupPlan& plan, bool quiet) {
  Table table({"Disk", "Mode", "Since", "Bitmaps", "Reason"});
  std::string sentences;
  for (const auto& disk : plan.disks) {
    bool incremental = disk.mode == backup::DiskMode::Incremental;
    std::vector<std::string> codes;
    for (backup::Reason r : disk.reasons) codes.push_back(backup::ReasonToString(r));
    table.AddRow({disk.target, backup::DiskModeToString(disk.mode), incremental ? *plan.since : "-",
                  disk.bitmaps.empty() ? "-" : Join(disk.bitmaps, ","), Join(codes, ",")});
    for (size_t i = 0; i < disk.reasons.size(); ++i) {
      sentences += disk.target + ": " + backup::ReasonToString(disk.reasons[i]) + ": " +
                   disk.messages[i] + "\n";
    }
    for (size_t i = 0; i < disk.notes.size(); ++i) {
      sentences += disk.target + ": note: " + backup::NoteToString(disk.notes[i]) + ": " +
                   disk.note_messages[i] + "\n";
    }
  }
  std::string out = table.Format(quiet);
  if (!sentences.empty()) out += "\n" + sentences;
  for (const auto& note : plan.notes) out += "note: " + note + "\n";
  return out;
}

std::string FormatPlanJson(const backup::BackupPlan& plan,
                           const std::optional<store::BackupJob>& job) {
  util::JsonWriter json;
  json.BeginObject();
  json.Key("domain").String(plan.domain);
  json.Key("since").StringOrNull(plan.since.value_or(""));
  json.Key("current").StringOrNull(plan.current.value_or(""));
  json.Key("bitmapModel").String(store::BitmapModelToString(plan.model));
  json.Key("path").BeginArray();
  for (const auto& name : plan.path) json.String(name);
  json.EndArray();
  json.Key("disks").BeginArray();
  for (const auto& disk : plan.disks) {
    json.BeginObject();
    json.Key("target").String(disk.target);
    json.Key("type").String(disk.type);
    json.Key("source").StringOrNull(disk.source);
    json.Key("format").StringOrNull(disk.format);
    json.Key("mode").String(backup::DiskModeToString(disk.mode));
    json.Key("bitmaps").BeginArray();
    for (const auto& b : disk.bitmaps) json.String(b);
    json.EndArray();
    json.Key("reasons").BeginArray();
    for (backup::Reason r : disk.reasons) json.String(backup::ReasonToString(r));
    json.EndArray();
    // Kept from the first version of this document: the sentence of the first reason.
    json.Key("message").StringOrNull(disk.messages.empty() ? "" : disk.messages.front());
    json.Key("messages").BeginArray();
    for (const auto& message : disk.messages) json.String(message);
    json.EndArray();
    json.Key("notes").BeginArray();
    for (backup::Note note : disk.notes) json.String(backup::NoteToString(note));
    json.EndArray();
    json.Key("noteMessages").BeginArray();
    for (const auto& message : disk.note_messages) json.String(message);
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  json.Key("notes").BeginArray();
  for (const auto& note : plan.notes) json.String(note);
  json.EndArray();
  if (job) {
    json.Key("job");
    WriteJob(json, *job);
  }
  json.EndObject();
  return json.str() + "\n";
}

}  // namespace virtckpt::cli
