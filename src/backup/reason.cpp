#include "backup/reason.hpp"

#include <array>
#include <utility>

namespace virtckpt::backup {

namespace {

constexpr std::array<std::pair<Reason, const char*>, 16> kReasonNames = {{
    {Reason::NoCheckpoint, "no_checkpoint"},
    {Reason::NotAncestor, "not_ancestor"},
    {Reason::DiskAddedAfter, "disk_added_after"},
    {Reason::DiskRemovedBetween, "disk_removed_between"},
    {Reason::CheckpointNo, "checkpoint_no"},
    {Reason::IdentityChanged, "identity_changed"},
    {Reason::Resized, "resized"},
    {Reason::ImageFormatMismatch, "image_format_mismatch"},
    {Reason::NotBitmapCapable, "not_bitmap_capable"},
    {Reason::PendingCheckpoint, "pending_checkpoint"},
    {Reason::BitmapShared, "bitmap_shared"},
    {Reason::BitmapMissing, "bitmap_missing"},
    {Reason::BitmapInUse, "bitmap_in_use"},
    {Reason::BitmapDisabled, "bitmap_disabled"},
    {Reason::ChainGap, "chain_gap"},
    {Reason::BitmapsInvalid, "bitmaps_invalid"},
}};

constexpr std::array<std::pair<Note, const char*>, 1> kNoteNames = {{
    {Note::ImageUnavailable, "image_unavailable"},
}};

template <typename Table, typename Value>
const char* NameOf(const Table& table, Value value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return table[0].second;
}

template <typename Value, typename Table>
std::optional<Value> ValueOf(const Table& table, const std::string& text) {
  for (const auto& [value, name] : table) {
    if (text == name) return value;
  }
  return std::nullopt;
}

}  // namespace

const char* ReasonToString(Reason reason) { return NameOf(kReasonNames, reason); }

std::optional<Reason> ReasonFromString(const std::string& text) {
  return ValueOf<Reason>(kReasonNames, text);
}

const char* NoteToString(Note note) { return NameOf(kNoteNames, note); }

std::optional<Note> NoteFromString(const std::string& text) {
  return ValueOf<Note>(kNoteNames, text);
}

}  // namespace virtckpt::backup
