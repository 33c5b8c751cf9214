#include "backup/reason.hpp"

#include <array>
#include <utility>

namespace virtckpt::backup {

namespace {

constexpr std::array<std::pair<Reason, const char*>, 15> kReasonNames = {{
    {Reason::NoCheckpoint, "no_checkpoint"},
    {Reason::UnknownCheckpoint, "unknown_checkpoint"},
    {Reason::NotAncestor, "not_ancestor"},
    {Reason::DiskAddedAfter, "disk_added_after"},
    {Reason::DiskRemovedBetween, "disk_removed_between"},
    {Reason::CheckpointNo, "checkpoint_no"},
    {Reason::IdentityChanged, "identity_changed"},
    {Reason::Resized, "resized"},
    {Reason::NotBitmapCapable, "not_bitmap_capable"},
    {Reason::PendingCheckpoint, "pending_checkpoint"},
    {Reason::BitmapMissing, "bitmap_missing"},
    {Reason::BitmapInUse, "bitmap_in_use"},
    {Reason::BitmapDisabled, "bitmap_disabled"},
    {Reason::ChainGap, "chain_gap"},
    {Reason::BitmapsInvalid, "bitmaps_invalid"},
}};

}  // namespace

const char* ReasonToString(Reason reason) {
  for (const auto& [value, name] : kReasonNames) {
    if (value == reason) return name;
  }
  return "no_checkpoint";
}

std::optional<Reason> ReasonFromString(const std::string& text) {
  for (const auto& [value, name] : kReasonNames) {
    if (text == name) return value;
  }
  return std::nullopt;
}

}  // namespace virtckpt::backup
